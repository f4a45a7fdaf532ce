#!/usr/bin/env node
// Makes sure there is a backend binary for the tests. With BACKEND_BIN set, that file is used and
// must exist; without it the project is built from the repo root (cmake --preset dev), and the tests
// use build/dev/apps/backend/backend.
import { execSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const exe = process.platform === "win32" ? ".exe" : "";
const bin = process.env.BACKEND_BIN || fileURLToPath(new URL(`../../../build/dev/apps/backend/backend${exe}`, import.meta.url));

if (!process.env.BACKEND_BIN) {
  console.error("ensure-backend: BACKEND_BIN is not set; building the backend (cmake --preset dev)");
  try {
    execSync("cmake --preset dev", { cwd: repoRoot, stdio: ["ignore", "inherit", "inherit"] });
    execSync("cmake --build --preset dev", { cwd: repoRoot, stdio: ["ignore", "inherit", "inherit"] });
  } catch {
    console.error("ensure-backend: the build failed (missing tools? run `bash scripts/install-deps.sh core` from the repo root)");
    process.exit(1);
  }
}
try {
  accessSync(bin, constants.X_OK);
} catch {
  console.error(`ensure-backend: no executable backend at ${bin}`);
  process.exit(1);
}
