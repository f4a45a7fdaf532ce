#!/usr/bin/env node
// Compiles src/ and test/ to dist/ (a clean dist, so no stale test file runs) and copies the
// generated declarations, which tsc does not copy.
import { execFileSync } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = (p) => fileURLToPath(new URL(p, import.meta.url));
rmSync(dir("../dist"), { recursive: true, force: true });
execFileSync(process.execPath, [dir("../node_modules/typescript/bin/tsc"), "-p", dir("..")], { stdio: "inherit" });
cpSync(dir("../src/generated"), dir("../dist/src/generated"), { recursive: true });
