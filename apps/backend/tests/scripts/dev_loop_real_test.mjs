// The dev loop on this repository's real backend: touching a source file rebuilds the `backend` target of the
// build tree that runs this test (DEV_LOOP_BUILD_DIR, set by CTest), the running server exits 0 after `shutdown`,
// and the new one prints its port line and answers /health. The file's times are restored afterwards, so the
// tree is left as it was (the rebuilt objects are simply newer than their sources).
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { DevLoop, getJson } from "./dev_loop_harness.mjs";

const sourceDir = process.env.DEV_LOOP_SOURCE_DIR || fileURLToPath(new URL("../../../..", import.meta.url));
const buildDir = process.env.DEV_LOOP_BUILD_DIR || path.join(sourceDir, "build", "dev");
// main.cpp: only the backend executable is built from it, so touching it recompiles one small file and relinks.
const touched = path.join(sourceDir, "apps", "backend", "src", "main.cpp");
const original = fs.statSync(touched);
// The backend's data folder (issue 10): a temp one, never the real app data folder.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dev-loop-data-"));

let loop;
after(() => {
  loop?.kill();
  fs.utimesSync(touched, original.atime, original.mtime);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test("touching apps/backend/src/main.cpp rebuilds the backend and replaces the running server", async () => {
  loop = new DevLoop({ env: { BACKEND_DEV_SOURCE_DIR: sourceDir, BACKEND_DEV_BUILD_DIR: buildDir, BACKEND_LOG_LEVEL: "info", BACKEND_DATA_DIR: dataDir } });
  const port1 = await loop.port(1, 120_000);
  assert.equal((await getJson(port1, "/health")).status, "ok");
  const pid1 = Number(/listening on http:\/\/127\.0\.0\.1:[0-9]+ \(pid ([0-9]+)\)/.exec(loop.stderr)?.[1]);
  assert.ok(pid1 > 0, loop.stderr);

  const now = new Date();
  fs.utimesSync(touched, now, now);
  const port2 = await loop.port(2, 120_000);
  const health = await getJson(port2, "/health");
  assert.equal(health.status, "ok");
  assert.ok(loop.stderr.includes(`backend (pid ${pid1}) exited with code 0`), loop.stderr);
  assert.ok(loop.stderr.includes("shutdown: 'shutdown' on stdin"), "the backend logged the stdin shutdown");
  assert.equal(loop.count("dev: building the backend"), 2);
  assert.equal(loop.count("dev: starting "), 2);

  loop.child.kill("SIGTERM");
  assert.deepEqual(await loop.exit, { code: 0, signal: null });
  assert.equal(loop.count("exited with code 0"), 2, loop.stderr);
  assert.deepEqual(loop.lines(), [`BACKEND_PORT:${port1}`, `BACKEND_PORT:${port2}`]);
});
