#!/usr/bin/env node
// `npm run dev [-- <backend args>]`: the backend's watch loop, as `tsx watch` was for the Hono server.
//
// It builds the `backend` target, runs it, and on every change under the watched paths rebuilds it; when the
// build succeeds it stops the running server gracefully (the line `shutdown` on its stdin, SIGKILL after a
// deadline) and starts the new one. A failed build is shown and the old server keeps running.
//
// Stdout carries only what the backend writes there (its `BACKEND_PORT:<port>` line, once per start), so a
// host reads the loop exactly as it reads the backend. The loop's own messages and the build's output go to
// stderr. Every environment variable (PORT, BACKEND_*) reaches the backend unchanged, except BACKEND_DEV_*.
//
// SIGINT, SIGTERM or the line `shutdown` on the loop's stdin stop the server gracefully, and the loop exits 0.
//
// Settings (environment; the defaults suit this repository, the tests point them at other trees):
//   BACKEND_DEV_SOURCE_DIR       CMake source dir (default: the repository root)
//   BACKEND_DEV_PRESET           configure and build preset (default: dev)
//   BACKEND_DEV_BUILD_DIR        an already configured build dir to build instead of the preset's
//   BACKEND_DEV_WATCH            paths to watch, relative to the source dir, separated by the OS path
//                                delimiter (default: apps/backend/src, apps/backend/CMakeLists.txt,
//                                packages/shared/app.json)
//   BACKEND_DEV_DEBOUNCE_MS      quiet time after a change before building (default 200)
//   BACKEND_DEV_STOP_TIMEOUT_MS  how long a stopping server may take before SIGKILL
//                                (default BACKEND_SHUTDOWN_TIMEOUT_MS + 2000, i.e. 7000)
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const log = (message) => process.stderr.write(`dev: ${message}\n`);

function fail(message) {
  log(message);
  process.exit(2);
}

//---------------------------------------------------------------------------------------------------------------
// Settings

function integerSetting(name, fallback, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^[0-9]+$/.test(raw) || Number(raw) > max) fail(`${name}="${raw}" is not an integer in 0..${max}`);
  return Number(raw);
}

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const sourceDir = path.resolve(process.env.BACKEND_DEV_SOURCE_DIR || repoRoot);
const preset = process.env.BACKEND_DEV_PRESET || "dev";
const fixedBuildDir = process.env.BACKEND_DEV_BUILD_DIR ? path.resolve(process.env.BACKEND_DEV_BUILD_DIR) : undefined;
const watchPaths = (process.env.BACKEND_DEV_WATCH || ["apps/backend/src", "apps/backend/CMakeLists.txt", "packages/shared/app.json"].join(path.delimiter))
  .split(path.delimiter)
  .filter(Boolean)
  .map((p) => path.resolve(sourceDir, p));
const debounceMs = integerSetting("BACKEND_DEV_DEBOUNCE_MS", 200, 60_000);
const stopTimeoutMs = integerSetting("BACKEND_DEV_STOP_TIMEOUT_MS", integerSetting("BACKEND_SHUTDOWN_TIMEOUT_MS", 5000, 600_000) + 2000, 3_600_000);

// `npm run dev -- --flag` passes `--flag`; a leading `--` (`node dev.mjs -- --flag`) is dropped too.
const backendArgs = process.argv.slice(2);
if (backendArgs[0] === "--") backendArgs.shift();

// The backend gets the loop's environment, minus the loop's own settings.
const backendEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("BACKEND_DEV_")));

if (fixedBuildDir && !fs.existsSync(path.join(fixedBuildDir, "CMakeCache.txt"))) {
  fail(`BACKEND_DEV_BUILD_DIR=${fixedBuildDir} is not a configured CMake build dir (no CMakeCache.txt)`);
}

//---------------------------------------------------------------------------------------------------------------
// Building

let buildDir = fixedBuildDir; // known after the preset's configure step
let configured = fixedBuildDir !== undefined;
let buildChild; // the cmake process running now, so a stop request can end it

/** Runs a command with its output on stderr; resolves with success and the output (for the configure step). */
function runTool(args) {
  return new Promise((resolve) => {
    let output = "";
    // Its own process group, so stopping the loop can end cmake and the ninja and compilers under it at once.
    const child = spawn("cmake", args, { cwd: sourceDir, stdio: ["ignore", "pipe", "pipe"], detached: process.platform !== "win32" });
    buildChild = child;
    for (const stream of [child.stdout, child.stderr]) {
      stream.on("data", (chunk) => {
        output += chunk;
        process.stderr.write(chunk);
      });
    }
    child.on("error", (err) => {
      log(`cannot run cmake: ${err.message}`);
      resolve({ ok: false, output });
    });
    child.on("close", (code) => {
      buildChild = undefined;
      resolve({ ok: code === 0, output });
    });
  });
}

async function build() {
  const started = performance.now();
  const startedWallMs = Date.now();
  if (!configured) {
    log(`configuring (cmake --preset ${preset})`);
    const { ok, output } = await runTool(["--preset", preset]);
    if (!ok) return false;
    // cmake names the build dir in its last line; a preset's binaryDir may be anything.
    const written = /Build files have been written to: (.+)/.exec(output);
    buildDir = written ? written[1].trim() : path.join(sourceDir, "build", preset);
    configured = true;
  }
  log("building the backend");
  const { ok } = await runTool(fixedBuildDir ? ["--build", fixedBuildDir, "--target", "backend"] : ["--build", "--preset", preset, "--target", "backend"]);
  if (ok) log(`built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (pending && buildDir) {
    const forgotten = forgetNinjaLogEntriesSince(buildDir, startedWallMs);
    const aged = ageOutputsWrittenSince(buildDir, startedWallMs);
    log(`sources changed during the build: the ${aged} file(s) it wrote (${forgotten} ninja log entries) are marked out of date`);
  }
  return ok;
}

/** The executable the last build made: CMake writes its path to backend-path.txt in the build dir. */
function builtExecutable() {
  const file = path.join(buildDir, "backend-path.txt");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    log(`the build wrote no ${file}`);
    return undefined;
  }
}

/**
 * Ninja before 1.12 (Debian 12 has 1.11) compares an output's mtime with its inputs' mtimes: a source saved while a
 * build was compiling it looks older than the object built from its previous content, so the next build would
 * find "no work to do" and the edit would be lost until the next one. So after a build during which sources
 * changed, every file that build wrote gets a time just before the build started: the sources changed during it
 * are then newer than the outputs depending on them, and the other outputs stay newer than their inputs. Only the
 * build dir is changed; the sources keep their times (editors notice when a file's time changes under them).
 */
function ageOutputsWrittenSince(dir, sinceMs) {
  const time = new Date(sinceMs - 1);
  let aged = 0;
  const walk = (current) => {
    let entries;
    try {
      entries = fs.readdirSync(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const file = path.join(current, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile()) {
        try {
          if (fs.statSync(file).mtimeMs >= sinceMs) {
            fs.utimesSync(file, time, time);
            aged++;
          }
        } catch {
          // gone meanwhile: nothing to age
        }
      }
    }
  };
  walk(dir);
  return aged;
}

/**
 * Rules with `restat` (CMake's custom commands) compare with the output time recorded in .ninja_log rather than
 * the file's, so the entries this build added are dropped too: an output without an entry is rebuilt.
 */
function forgetNinjaLogEntriesSince(dir, sinceMs) {
  const file = path.join(dir, ".ninja_log");
  let text;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return 0;
  }
  const [header, ...lines] = text.split("\n");
  if (header !== "# ninja log v5") return 0; // other versions record the command's start and need no help
  const since = BigInt(Math.floor(sinceMs)) * 1_000_000n; // v5 records each output's mtime in ns
  const kept = lines.filter((line) => {
    const fields = line.split("\t");
    return !(fields.length === 5 && /^[0-9]+$/.test(fields[2]) && BigInt(fields[2]) >= since);
  });
  if (kept.length !== lines.length) fs.writeFileSync(file, [header, ...kept].join("\n"));
  return lines.length - kept.length;
}

function fileStamp(file) {
  try {
    const st = fs.statSync(file);
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return undefined;
  }
}

//---------------------------------------------------------------------------------------------------------------
// The server

/** @type {{child: import("node:child_process").ChildProcess, exe: string, stamp: string|undefined, running: boolean, expectedExit: boolean, exited: Promise<void>} | undefined} */
let server;

function startServer(exe) {
  log(`starting ${exe}${backendArgs.length ? " " + backendArgs.join(" ") : ""}`);
  // Its own process group: a terminal's Ctrl-C reaches only the loop, which then stops the server once, gracefully
  // (a second SIGINT straight to the backend would force exit code 4).
  const child = spawn(exe, backendArgs, {
    env: backendEnv,
    stdio: ["pipe", "pipe", "inherit"],
    detached: process.platform !== "win32",
  });
  const current = { child, exe, stamp: fileStamp(exe), running: true, expectedExit: false, exited: undefined };
  current.exited = new Promise((resolve) => {
    const done = (how) => {
      if (!current.running) return;
      current.running = false;
      const next = stopping || current.expectedExit ? "" : "; it starts again after the next change";
      log(`backend (pid ${child.pid ?? "none"}) ${how}${next}`);
      resolve();
    };
    child.on("exit", (code, signal) => done(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    child.on("error", (err) => done(`could not start: ${err.message}`));
  });
  child.stdin.on("error", () => {}); // EPIPE once it has exited: the exit handler reports that
  child.stdout.pipe(process.stdout, { end: false });
  server = current;
}

async function stopServer() {
  const current = server;
  if (!current?.running) return;
  current.expectedExit = true;
  log(`stopping the backend (pid ${current.child.pid}): "shutdown" on its stdin`);
  current.child.stdin.write("shutdown\n");
  let timer;
  const deadline = new Promise((resolve) => (timer = setTimeout(() => resolve("late"), stopTimeoutMs)));
  if ((await Promise.race([current.exited, deadline])) === "late") {
    log(`the backend did not exit within ${stopTimeoutMs} ms: SIGKILL`);
    current.child.kill("SIGKILL");
    await current.exited;
  }
  clearTimeout(timer);
}

//---------------------------------------------------------------------------------------------------------------
// The loop: a change schedules a build after a quiet time; a good build replaces the server.

let pending = true; // the first build is due at start
let busy = false;
let stopping = false;
let debounceTimer;

function schedule(delayMs) {
  clearTimeout(debounceTimer);
  debounceTimer = setTimeout(cycle, delayMs);
}

async function cycle() {
  if (busy || stopping || !pending) return;
  busy = true;
  try {
    let ok;
    // Changes made during a build make its result stale: build again before starting anything.
    do {
      pending = false;
      ok = await build();
    } while (pending && !stopping);
    if (stopping) return;
    if (!ok) {
      log(`build failed; ${server?.running ? "the running backend stays up" : "no backend is running"}; waiting for a change`);
      return;
    }
    const exe = builtExecutable();
    if (!exe) return;
    if (server?.running && server.exe === exe && server.stamp === fileStamp(exe)) {
      log("the binary did not change; the running backend stays up");
      return;
    }
    await stopServer(); // with a fixed PORT the new server needs the old one gone first
    if (!stopping) startServer(exe);
  } finally {
    busy = false;
    if (pending && !stopping) schedule(debounceMs);
  }
}

// Editors' swap and backup files, and their atomic-save temporaries, are not changes to the sources.
const ignored = /(^|[\\/])(\.#[^\\/]*|[^\\/]*~|[^\\/]*\.sw[a-p]|4913|[^\\/]*\.tmp)$/;

function onChange(file) {
  if (stopping || (file && ignored.test(file))) return;
  if (!pending) log(`change: ${file ? path.relative(sourceDir, file) : "(unknown file)"}`);
  pending = true;
  schedule(debounceMs);
}

const watchers = [];
for (const target of watchPaths) {
  let stat;
  try {
    stat = fs.statSync(target);
  } catch {
    log(`not watching ${target}: it does not exist`);
    continue;
  }
  // A single file is watched through its folder: editors replace files by rename, which ends a file watch.
  const dir = stat.isDirectory() ? target : path.dirname(target);
  const watcher = fs.watch(dir, { recursive: stat.isDirectory() }, (_event, name) => {
    const file = name ? path.join(dir, name.toString()) : undefined;
    if (stat.isDirectory() || file === target) onChange(file);
  });
  watcher.on("error", (err) => log(`watching ${target} failed: ${err.message}`));
  watchers.push(watcher);
}
log(`watching ${watchPaths.map((p) => path.relative(sourceDir, p) || ".").join(", ")} (debounce ${debounceMs} ms)`);

//---------------------------------------------------------------------------------------------------------------
// Stopping the loop

async function shutdown(reason) {
  if (stopping) {
    // A second request: do not wait for the drain.
    log(`${reason} again: killing the backend`);
    server?.child.kill("SIGKILL");
    process.exit(1);
  }
  stopping = true;
  log(`${reason}: stopping`);
  clearTimeout(debounceTimer);
  for (const watcher of watchers) watcher.close();
  if (buildChild?.pid) {
    try {
      if (process.platform === "win32") buildChild.kill();
      else process.kill(-buildChild.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  await stopServer();
  process.exit(0);
}

// `npm run dev` runs the loop under a shell that a SIGTERM to npm ends without passing it on: like the backend's
// parent watch, the loop stops when its parent is gone (it is then re-parented, so its ppid changes).
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) void shutdown(`the parent process (pid ${parentPid}) exited`);
}, 1000).unref();

process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.stdout.on("error", () => {}); // the reader went away; the backend's own EPIPE handling applies to it
if (!process.stdin.isTTY) {
  // A host stops the loop as it stops the backend: the line `shutdown` on stdin. EOF is not a request to stop.
  let buffered = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline).replace(/\r$/, "");
      buffered = buffered.slice(newline + 1);
      if (line === "shutdown") void shutdown("stdin shutdown");
      else if (line !== "") log(`ignored stdin line ${JSON.stringify(line.slice(0, 40))}`);
    }
  });
  process.stdin.on("error", () => {});
}

cycle();
