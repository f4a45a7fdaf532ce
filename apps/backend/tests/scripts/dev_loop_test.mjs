// The dev loop (apps/backend/scripts/dev.mjs) against fake CMake projects whose "backend" is a Node script:
// rebuild and restart on a change, graceful stop of the old server, fixed PORT, build errors, debounce,
// changes during a build, a server that ignores `shutdown` or exits by itself, and stopping the loop.
// dev_loop_real_test.mjs runs the loop once on this repository's real backend.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { DevLoop, FakeProject, freePort, getJson, serverSource } from "./dev_loop_harness.mjs";

let loop;
let project;
afterEach(() => {
  loop?.kill();
  project?.remove();
  loop = project = undefined;
});

function start(source, { env = {}, args = [] } = {}) {
  project = new FakeProject(source);
  loop = new DevLoop({ env: project.env(env), args });
  return loop;
}

function assertOnlyPortLines() {
  for (const line of loop.lines()) assert.match(line, /^BACKEND_PORT:[0-9]+$/, "stdout carries only port lines");
}

test("a change rebuilds, stops the old server with `shutdown` (exit 0) and starts the new one; env and args pass through", async () => {
  start(serverSource("v1"), { env: { DEV_LOOP_TEST_MARK: "m1", BACKEND_DEV_DEBOUNCE_MS: "50" }, args: ["--", "--fake-arg"] });
  const port1 = await loop.port(1);
  const first = await getJson(port1, "/");
  assert.equal(first.version, "v1");
  assert.equal(first.mark, "m1", "the environment reaches the backend");
  assert.deepEqual(first.devSettings, [], "the loop's own BACKEND_DEV_* settings do not");
  assert.deepEqual(first.args, ["--fake-arg"], "arguments after -- reach the backend");

  project.write(serverSource("v2"));
  const port2 = await loop.port(2);
  const second = await getJson(port2, "/");
  assert.equal(second.version, "v2");
  assert.notEqual(second.pid, first.pid);
  assert.ok(loop.stderr.includes("fake v1: shutdown on stdin"), "the old server was asked to stop on its stdin");
  assert.ok(loop.stderr.includes(`backend (pid ${first.pid}) exited with code 0`), loop.stderr);
  await assert.rejects(getJson(port1, "/"), "the old server is gone");

  loop.child.kill("SIGTERM");
  assert.deepEqual(await loop.exit, { code: 0, signal: null });
  assert.ok(loop.stderr.includes("fake v2: shutdown on stdin"), "SIGTERM stops the server gracefully");
  assert.ok(loop.stderr.includes(`backend (pid ${second.pid}) exited with code 0`));
  assert.equal(loop.lines().length, 2);
  assertOnlyPortLines();
});

test("with a fixed PORT the new server starts only once the old one has exited, on the same port", async () => {
  const port = await freePort();
  // The fake server keeps listening for 300 ms after `shutdown`: started any earlier, the new one fails (exit 3).
  start(serverSource("v1", { shutdownDelayMs: 300 }), { env: { PORT: String(port) } });
  assert.equal(await loop.port(1), port);
  assert.equal((await getJson(port, "/")).port, String(port));
  project.write(serverSource("v2", { shutdownDelayMs: 300 }));
  assert.equal(await loop.port(2), port);
  assert.equal((await getJson(port, "/")).version, "v2");
  assert.ok(!loop.stderr.includes("EADDRINUSE"), loop.stderr);
  loop.child.kill("SIGINT");
  assert.deepEqual(await loop.exit, { code: 0, signal: null });
  assertOnlyPortLines();
});

test("a build error is shown, the running server stays up, and the next good change replaces it", async () => {
  start(serverSource("v1"));
  const port1 = await loop.port(1);
  project.write(serverSource("v2", { broken: true }));
  await loop.waitForStderr("build failed; the running backend stays up; waiting for a change");
  assert.ok(loop.stderr.includes("fake build: error in"), "the build's own message is shown");
  assert.ok(loop.stderr.includes("SyntaxError"), "the compiler's error is shown");
  assert.equal(loop.exitStatus, undefined, "the loop is alive");
  assert.equal((await getJson(port1, "/")).version, "v1", "the old server still answers");

  project.write(serverSource("v3"));
  const port2 = await loop.port(2);
  assert.equal((await getJson(port2, "/")).version, "v3");
  loop.child.stdin.write("shutdown\n"); // a host stops the loop as it stops the backend
  assert.deepEqual(await loop.exit, { code: 0, signal: null });
  assert.equal(loop.lines().length, 2);
});

test("a failing first build starts nothing; fixing it starts the server", async () => {
  start(serverSource("v1", { broken: true }));
  await loop.waitForStderr("build failed; no backend is running; waiting for a change");
  assert.equal(loop.stdout, "");
  project.write(serverSource("v2"));
  assert.equal((await getJson(await loop.port(1), "/")).version, "v2");
  loop.child.kill("SIGTERM");
  assert.equal((await loop.exit).code, 0);
});

test("a burst of changes makes one build", async () => {
  start(serverSource("v1"), { env: { BACKEND_DEV_DEBOUNCE_MS: "500" } });
  await loop.port(1);
  const buildsBefore = loop.count("dev: building the backend");
  for (let v = 2; v <= 6; v++) project.write(serverSource(`v${v}`));
  assert.equal((await getJson(await loop.port(2), "/")).version, "v6");
  assert.equal(loop.count("dev: building the backend") - buildsBefore, 1, loop.stderr);
  assert.ok(!project.buildStarted("v2") && !project.buildStarted("v5"), "the intermediate sources were never built");
  loop.child.kill("SIGTERM");
  assert.equal((await loop.exit).code, 0);
});

test("a change during a build is built before anything starts", async () => {
  start(serverSource("v1"), { env: { BACKEND_DEV_DEBOUNCE_MS: "50" } });
  await loop.port(1);
  project.write(serverSource("v2", { slowBuild: true })); // its build takes 1.5 s after reading the source
  await loop.until(() => project.buildStarted("v2"), "the build of v2 to start");
  project.write(serverSource("v3"));
  assert.equal((await getJson(await loop.port(2), "/")).version, "v3");
  assert.ok(project.buildStarted("v3"));
  assert.equal(loop.count("dev: starting "), 2, "v2 (stale when its build ended) was never started");
  loop.child.kill("SIGTERM");
  assert.equal((await loop.exit).code, 0);
  assert.equal(loop.lines().length, 2);
});

test("SIGTERM during a build stops the server gracefully, starts nothing more and exits 0", async () => {
  start(serverSource("v1"), { env: { BACKEND_DEV_DEBOUNCE_MS: "50" } });
  await loop.port(1);
  project.write(serverSource("v2", { slowBuild: true }));
  await loop.until(() => project.buildStarted("v2"), "the build of v2 to start");
  loop.child.kill("SIGTERM");
  assert.deepEqual(await loop.exit, { code: 0, signal: null });
  assert.ok(loop.stderr.includes("fake v1: shutdown on stdin"), loop.stderr);
  assert.equal(loop.count("dev: starting "), 1, "the interrupted build's server never started");
  assert.equal(loop.lines().length, 1);
});

test("a server that ignores `shutdown` is killed after BACKEND_DEV_STOP_TIMEOUT_MS", async () => {
  start(serverSource("v1", { ignoreShutdown: true }), { env: { BACKEND_DEV_STOP_TIMEOUT_MS: "300" } });
  await loop.port(1);
  project.write(serverSource("v2"));
  assert.equal((await getJson(await loop.port(2), "/")).version, "v2");
  assert.ok(loop.stderr.includes("did not exit within 300 ms: SIGKILL"), loop.stderr);
  assert.ok(loop.stderr.includes("was killed by SIGKILL"), loop.stderr);
  loop.child.kill("SIGTERM");
  assert.equal((await loop.exit).code, 0);
});

test("a server that exits by itself is reported, and the next change starts one again", async () => {
  start(serverSource("v1"));
  const port1 = await loop.port(1);
  const { pid } = await getJson(port1, "/");
  await getJson(port1, "/exit");
  await loop.waitForStderr(`backend (pid ${pid}) exited with code 7; it starts again after the next change`);
  assert.equal(loop.exitStatus, undefined, "the loop is alive");
  project.write(serverSource("v2"));
  assert.equal((await getJson(await loop.port(2), "/")).version, "v2");
  loop.child.kill("SIGTERM");
  assert.equal((await loop.exit).code, 0);
});

test("the loop stops the server and exits when its parent dies (a SIGTERM to npm does not reach it)", async () => {
  project = new FakeProject(serverSource("v1"));
  loop = new DevLoop({ env: project.env(), viaParent: true });
  const { pid } = await getJson(await loop.port(1), "/");
  loop.killParent();
  await loop.waitForStderr("exited: stopping");
  await loop.closed;
  assert.ok(loop.stderr.includes("fake v1: shutdown on stdin"), loop.stderr);
  assert.ok(loop.stderr.includes(`backend (pid ${pid}) exited with code 0`), loop.stderr);
});

test("a bad setting exits 2 naming the variable, before any build", async () => {
  start(serverSource("v1"), { env: { BACKEND_DEV_DEBOUNCE_MS: "soon" } });
  assert.deepEqual(await loop.exit, { code: 2, signal: null });
  assert.match(loop.stderr, /BACKEND_DEV_DEBOUNCE_MS="soon" is not an integer/);
  assert.equal(loop.stdout, "");
  assert.ok(!project.buildStarted("v1"));
});
