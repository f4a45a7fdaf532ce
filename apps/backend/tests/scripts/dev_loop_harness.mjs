// Shared by the dev loop tests: runs apps/backend/scripts/dev.mjs as a host would (stdout = port lines only,
// stderr = messages) and makes tiny CMake projects whose `backend` target is a Node script, so a build takes
// milliseconds and can be made to fail.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const devScript = fileURLToPath(new URL("../../scripts/dev.mjs", import.meta.url));

/** The dev loop as a child process, with its output collected. */
export class DevLoop {
  /** With `viaParent`, the loop runs under an intermediate Node process (as under npm) that killParent() ends. */
  constructor({ env = {}, args = [], viaParent = false } = {}) {
    const childEnv = { ...process.env };
    for (const name of Object.keys(childEnv)) if (name === "PORT" || name.startsWith("BACKEND_")) delete childEnv[name];
    Object.assign(childEnv, env);
    const parent = [
      "-e",
      "require('node:child_process').spawn(process.execPath, process.argv.slice(1), { stdio: 'inherit' }); setInterval(() => {}, 1e6);",
    ];
    this.child = spawn(process.execPath, [...(viaParent ? parent : []), devScript, ...args], { env: childEnv, stdio: ["pipe", "pipe", "pipe"] });
    // All output has ended: the loop and every server it started (their stderr is the loop's) have exited.
    this.closed = new Promise((resolve) => this.child.on("close", resolve));
    this.stdout = "";
    this.stderr = "";
    this.checks = new Set();
    for (const [stream, key] of [[this.child.stdout, "stdout"], [this.child.stderr, "stderr"]]) {
      stream.setEncoding("utf8");
      stream.on("data", (chunk) => {
        this[key] += chunk;
        for (const check of this.checks) check();
      });
    }
    this.exit = new Promise((resolve) =>
      this.child.on("exit", (code, signal) => {
        this.exitStatus = { code, signal };
        for (const check of this.checks) check();
        resolve({ code, signal });
      }),
    );
  }

  /**
   * Resolves once `predicate()` is true; rejects (with the loop's stderr) after timeoutMs or if the loop exits.
   * Checked on every output of the loop, and every 10 ms for conditions outside it (files).
   */
  until(predicate, what, timeoutMs = 30_000) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = predicate();
        if (value) return finish(() => resolve(value));
        if (this.exitStatus && !this.parentKilled) finish(() => reject(new Error(`dev loop exited (${JSON.stringify(this.exitStatus)}) while waiting for ${what}\n--- stderr:\n${this.stderr}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out waiting for ${what}\n--- stdout:\n${this.stdout}\n--- stderr:\n${this.stderr}`))), timeoutMs);
      const poll = setInterval(check, 10);
      const finish = (settle) => {
        clearTimeout(timer);
        clearInterval(poll);
        this.checks.delete(check);
        settle();
      };
      this.checks.add(check);
      check();
    });
  }

  lines() {
    return this.stdout.split("\n").filter((l) => l !== "");
  }

  /** The port of the n-th `BACKEND_PORT:` line (1-based), once it has been written. */
  async port(n, timeoutMs) {
    await this.until(() => this.lines().length >= n, `port line ${n}`, timeoutMs);
    const line = this.lines()[n - 1];
    const match = /^BACKEND_PORT:([0-9]+)$/.exec(line);
    if (!match) throw new Error(`not a port line: ${JSON.stringify(line)}`);
    return Number(match[1]);
  }

  /** How often `text` occurs in stderr. */
  count(text) {
    return this.stderr.split(text).length - 1;
  }

  /** Waits until stderr holds `text` at least `times` times. */
  waitForStderr(text, times = 1, timeoutMs) {
    return this.until(() => this.count(text) >= times, `${JSON.stringify(text)} x${times} on stderr`, timeoutMs);
  }

  killParent() {
    this.parentKilled = true;
    this.child.kill("SIGKILL");
  }

  /** Kills what is left (after a failed test), so no process outlives the test. */
  kill() {
    if (!this.exitStatus) this.child.kill("SIGKILL");
  }
}

/** GET http://127.0.0.1:<port><path> as JSON; a new connection each time. */
export async function getJson(port, urlPath) {
  const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, { headers: { Connection: "close" } });
  return res.json();
}

/** A free TCP port on loopback, for the fixed-PORT case. */
export async function freePort() {
  const net = await import("node:net");
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

//---------------------------------------------------------------------------------------------------------------
// A fake project: `cmake --preset dev` and `cmake --build --preset dev --target backend` work in it, and
// build/dev/backend-path.txt names the built "backend", an executable Node script copied from src/server.mjs.
// The build fails on a syntax error (node --check), as a compiler would.

const BUILD_SCRIPT = `import { spawnSync } from "node:child_process";
import fs from "node:fs";
const [src, out, projectDir] = process.argv.slice(2);
const text = fs.readFileSync(src, "utf8");
const version = /const VERSION = "([^"]*)"/.exec(text)?.[1] ?? "?";
fs.writeFileSync(projectDir + "/building-" + version, "");
if (spawnSync(process.execPath, ["--check", src], { stdio: "inherit" }).status !== 0) {
  console.error("fake build: error in " + src);
  process.exit(1);
}
if (text.includes("slow-build")) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
fs.writeFileSync(out + ".tmp", "#!" + process.execPath + "\\n" + text, { mode: 0o755 });
fs.renameSync(out + ".tmp", out);
`;

const CMAKE_LISTS = `cmake_minimum_required(VERSION 3.25)
project(fake_backend NONE)
set(out "\${CMAKE_BINARY_DIR}/fake-backend.mjs")
add_custom_command(OUTPUT "\${out}"
  COMMAND "\${NODE}" "\${CMAKE_SOURCE_DIR}/build.mjs" "\${CMAKE_SOURCE_DIR}/src/server.mjs" "\${out}" "\${CMAKE_SOURCE_DIR}"
  DEPENDS "\${CMAKE_SOURCE_DIR}/src/server.mjs" "\${CMAKE_SOURCE_DIR}/build.mjs")
add_custom_target(backend ALL DEPENDS "\${out}")
file(WRITE "\${CMAKE_BINARY_DIR}/backend-path.txt" "\${out}")
`;

/**
 * The fake backend's source. It prints its port line, answers GET with what it knows (version, pid, env, args),
 * exits 7 on GET /exit, and stops on the stdin line `shutdown` after `shutdownDelayMs` (still listening
 * meanwhile, so a loop that does not wait would find the port taken), or never with `ignoreShutdown`.
 */
export function serverSource(version, { ignoreShutdown = false, shutdownDelayMs = 300, slowBuild = false, broken = false } = {}) {
  return `import http from "node:http";
const VERSION = "${version}";${slowBuild ? " // slow-build" : ""}${broken ? "\nconst broken = {;" : ""}
const server = http.createServer((req, res) => {
  res.setHeader("Connection", "close");
  if (req.url === "/exit") {
    res.end("{}");
    setTimeout(() => process.exit(7), 20);
    return;
  }
  res.end(JSON.stringify({
    version: VERSION,
    pid: process.pid,
    mark: process.env.DEV_LOOP_TEST_MARK ?? null,
    port: process.env.PORT ?? null,
    devSettings: Object.keys(process.env).filter((k) => k.startsWith("BACKEND_DEV_")),
    args: process.argv.slice(2),
  }));
});
server.on("error", (err) => {
  process.stderr.write("fake " + VERSION + ": " + err.code + "\\n");
  process.exit(3);
});
server.listen(Number(process.env.PORT || 0), "127.0.0.1", () => process.stdout.write("BACKEND_PORT:" + server.address().port + "\\n"));
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  input += chunk;
  if (!input.includes("shutdown\\n") || ${ignoreShutdown}) return;
  process.stderr.write("fake " + VERSION + ": shutdown on stdin\\n");
  setTimeout(() => server.close(() => process.exit(0)), ${shutdownDelayMs});
});
process.stdin.on("end", () => process.exit(0)); // the loop is gone: do not outlive it
`;
}

export class FakeProject {
  constructor(firstSource) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "dev-loop-test-"));
    fs.mkdirSync(path.join(this.dir, "src"));
    fs.writeFileSync(path.join(this.dir, "build.mjs"), BUILD_SCRIPT);
    fs.writeFileSync(path.join(this.dir, "CMakeLists.txt"), CMAKE_LISTS);
    fs.writeFileSync(
      path.join(this.dir, "CMakePresets.json"),
      JSON.stringify({
        version: 6,
        configurePresets: [{ name: "dev", generator: "Ninja", binaryDir: "${sourceDir}/build/dev", cacheVariables: { NODE: process.execPath } }],
        buildPresets: [{ name: "dev", configurePreset: "dev" }],
      }),
    );
    this.write(firstSource);
  }

  /** The loop's settings for this project. */
  env(extra = {}) {
    return { BACKEND_DEV_SOURCE_DIR: this.dir, BACKEND_DEV_WATCH: "src", ...extra };
  }

  write(source) {
    fs.writeFileSync(path.join(this.dir, "src", "server.mjs"), source);
  }

  /** Whether the build has read the source of `version` (build.mjs leaves a marker). */
  buildStarted(version) {
    return fs.existsSync(path.join(this.dir, `building-${version}`));
  }

  remove() {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
