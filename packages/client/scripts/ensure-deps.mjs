#!/usr/bin/env node
// Installs this package's npm dependencies from package-lock.json (`npm ci`) when node_modules is
// missing or older than the lock file, so `npm test` works on a fresh clone.
import { execSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const installed = new URL("../node_modules/.package-lock.json", import.meta.url);
const lock = new URL("../package-lock.json", import.meta.url);

if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.error("ensure-deps: running npm ci in packages/client");
  execSync("npm ci --no-audit --no-fund", { cwd: root, stdio: "inherit" });
}
