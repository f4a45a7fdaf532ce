"""The servers: how each is built (or found), started, watched and stopped."""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from lib.common import (EXIT_TIMEOUT_S, HOST, PEERS_OUT, PEERS_SRC, PORT_LINE, REPO_ROOT, SERVER_CPU,
                        STARTUP_TIMEOUT_S, app_name, die, log, run)

# ---------------------------------------------------------------------------------------------------------
# The servers: how each is built (or found) and started.


@dataclass
class Server:
    key: str
    cmd: list[str]
    size_bytes: int
    size_note: str
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    port_line: bool = True  # prints BACKEND_PORT:<port>; nginx does not: the bench picks its port
    nginx_prefix: Path | None = None
    version: str = ""


def prepare_ours(bin_path: str) -> Server:
    p = Path(bin_path).resolve()
    if not (p.is_file() and os.access(p, os.X_OK)):
        die(f"our backend binary {p} is missing or not executable (build it, or set BACKEND_BIN)")
    try:
        rev = run(["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                  text=True).stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        rev = ""
    return Server("ours", [str(p)], p.stat().st_size, "the executable as built", version=f"git {rev}".strip())


def npm_install(project: Path) -> None:
    """`npm ci` from the committed package-lock.json, skipped when node_modules already matches it.
    Native addons (better-sqlite3) are compiled from source: prebuild-install's download of a prebuilt binary
    needs a host we do not reach. node-gyp takes the Node headers from the installed Node (`nodedir`, Debian's
    nodejs ships /usr/include/node) instead of downloading them, and goes through ccache when there is one."""
    stamp = project / "node_modules" / ".package-lock.json"
    lock = project / "package-lock.json"
    if stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
        return
    log(f"npm ci in {project.relative_to(REPO_ROOT)}")
    env = dict(os.environ, npm_config_build_from_source="true", JOBS=str(os.cpu_count() or 1))
    node = shutil.which("node")
    if node:
        prefix = Path(node).resolve().parent.parent
        if (prefix / "include" / "node" / "common.gypi").exists():
            env["npm_config_nodedir"] = str(prefix)
    if shutil.which("ccache"):
        env.setdefault("CC", "ccache cc")
        env.setdefault("CXX", "ccache c++")
        env.setdefault("CCACHE_BASEDIR", str(project))
    # --prefer-offline: tarballs already in npm's cache (checked against the lockfile's integrity) are not fetched.
    run(["npm", "ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], cwd=project,
        stdout=sys.stderr, env=env)


def tree_size(p: Path) -> int:
    if p.is_file():
        return p.stat().st_size
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file() and not f.is_symlink())


def prepare_hono_node() -> Server:
    proj = PEERS_SRC / "hono"
    npm_install(proj)
    node = shutil.which("node")
    if not node:
        die("node not found (scripts/install-deps.sh node)")
    node = str(Path(node).resolve())
    # What would ship: the node executable plus the app and its runtime dependencies.
    app = sum(tree_size(proj / x) for x in ["server.mjs", "node_modules/hono", "node_modules/@hono/node-server"])
    ver = run([node, "--version"], capture_output=True, text=True).stdout.strip()
    return Server("hono-node", [node, "server.mjs"], Path(node).stat().st_size + app,
                  "node executable + server.mjs + hono + @hono/node-server", cwd=proj, version=f"node {ver}")


def prepare_hono_sqlite() -> Server:
    """The peer of issues 10 and 11: Hono on Node with better-sqlite3 (settings routes, /events)."""
    proj = PEERS_SRC / "hono-sqlite"
    npm_install(proj)
    node = shutil.which("node")
    if not node:
        die("node not found (scripts/install-deps.sh node)")
    node = str(Path(node).resolve())
    nm = proj / "node_modules"
    bsq = nm / "better-sqlite3"
    # What would ship: node, the app, hono, the server adapter, and better-sqlite3's runtime files (the addon,
    # its JS, `bindings` and its one dependency); not its sources, build tree or install-time tools.
    app = sum(tree_size(x) for x in [proj / "server.mjs", nm / "hono", nm / "@hono" / "node-server", bsq / "lib",
                                      bsq / "package.json", bsq / "build" / "Release" / "better_sqlite3.node",
                                      nm / "bindings", nm / "file-uri-to-path"] if x.exists())
    ver = run([node, "--version"], capture_output=True, text=True).stdout.strip()
    bver = json.loads((bsq / "package.json").read_text())["version"]
    return Server("hono-sqlite", [node, "server.mjs"], Path(node).stat().st_size + app,
                  "node executable + server.mjs + hono + @hono/node-server + better-sqlite3 (addon, lib)", cwd=proj,
                  version=f"node {ver}, better-sqlite3 {bver}")


BASELINE_COMMIT = "b886f62"  # issue 9: /health's CPU per request stays within 5% of this commit's


def prepare_baseline(bin_path: str | None) -> Server:
    """Our server at BASELINE_COMMIT: BACKEND_BASELINE_BIN, else the release build of that commit's tree."""
    if bin_path:
        p = Path(bin_path).resolve()
        if not (p.is_file() and os.access(p, os.X_OK)):
            die(f"BACKEND_BASELINE_BIN {p} is missing or not executable")
        return Server("baseline", [str(p)], p.stat().st_size, "the executable as given",
                      version=f"{BASELINE_COMMIT} ({p.name}, given)")
    # `git archive` of that commit (no worktree: the repository's metadata is left alone), kept under
    # bench/.peers/ so that a later run only checks that it is built.
    wt = PEERS_OUT / f"baseline-{BASELINE_COMMIT}"
    out = wt / "build" / "release" / "apps" / "backend" / "backend"
    if not out.exists():
        if not (wt / "CMakePresets.json").exists():
            shutil.rmtree(wt, ignore_errors=True)
            wt.mkdir(parents=True)
            log(f"git archive {BASELINE_COMMIT} -> {wt.relative_to(REPO_ROOT)}")
            archive = subprocess.Popen(["git", "-C", str(REPO_ROOT), "archive", BASELINE_COMMIT],
                                       stdout=subprocess.PIPE)
            run(["tar", "-x", "-C", str(wt)], stdin=archive.stdout)
            if archive.wait() != 0:
                die(f"git archive {BASELINE_COMMIT} failed (set BACKEND_BASELINE_BIN to a build of it instead)")
        log(f"building our server at {BASELINE_COMMIT} (release preset) for the /health comparison")
        env = dict(os.environ)
        if shutil.which("ccache"):
            env.setdefault("CMAKE_CXX_COMPILER_LAUNCHER", "ccache")
            env.setdefault("CMAKE_C_COMPILER_LAUNCHER", "ccache")
            env.setdefault("CCACHE_BASEDIR", str(REPO_ROOT.parent))
        if not (wt / "build" / "release" / "build.ninja").exists():
            run(["cmake", "--preset", "release"], cwd=wt, env=env, stdout=sys.stderr)
        run(["cmake", "--build", "--preset", "release", "--target", "backend"], cwd=wt, env=env, stdout=sys.stderr,
            timeout=3600)
    return Server("baseline", [str(out)], out.stat().st_size, "release build of that commit (git archive)",
                  version=f"git {BASELINE_COMMIT}")


def bun_binary() -> str:
    proj = PEERS_SRC / "hono"
    for cand in [proj / "node_modules" / ".bin" / "bun", proj / "node_modules" / "@oven" / "bun-linux-x64" / "bin" / "bun"]:
        if cand.exists() and os.access(cand, os.X_OK):
            try:
                run([str(cand), "--version"], capture_output=True, timeout=30)
                return str(cand)
            except (subprocess.CalledProcessError, OSError):
                continue
    die("no working bun binary in bench/peers/hono/node_modules (npm ci there)")
    return ""


def prepare_hono_bun() -> Server:
    proj = PEERS_SRC / "hono"
    npm_install(proj)
    bun = bun_binary()
    out = PEERS_OUT / "hono-bun" / "hono-bun"
    out.parent.mkdir(parents=True, exist_ok=True)
    log("bun build --compile (Hono)")
    run([bun, "build", "--compile", "--minify", "server.mjs", "--outfile", str(out)], cwd=proj,
        stdout=subprocess.DEVNULL, stderr=sys.stderr)
    ver = run([bun, "--version"], capture_output=True, text=True).stdout.strip()
    return Server("hono-bun", [str(out)], out.stat().st_size, "bun build --compile --minify output",
                  version=f"bun {ver}")


def prepare_go() -> Server:
    go = shutil.which("go")
    if not go:
        die("go not found (scripts/install-deps.sh bench installs golang-go)")
    out = PEERS_OUT / "go" / "gohealth"
    out.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, GOPATH=str(PEERS_OUT / "go" / "path"), GOCACHE=str(PEERS_OUT / "go" / "cache"),
               GOPROXY="off", GOFLAGS="", GO111MODULE="on", CGO_ENABLED="0", GOTOOLCHAIN="local")
    log("go build (net/http peer; the first build compiles the standard library, ~20 s)")
    run([go, "build", "-trimpath", "-ldflags", f"-s -w -X main.appName={app_name()}", "-o", str(out), "."],
        cwd=PEERS_SRC / "go", env=env, stdout=sys.stderr)
    ver = run([go, "version"], capture_output=True, text=True, env=env).stdout.strip().split(" ")[2]
    return Server("go", [str(out)], out.stat().st_size, "go build -trimpath -ldflags '-s -w', static",
                  version=ver)


def prepare_nginx() -> Server:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if not nginx:
        die("nginx not found (scripts/install-deps.sh bench installs nginx-light)")
    ver = run([nginx, "-v"], capture_output=True, text=True).stderr.strip().split("/")[-1]
    # The config is written per spawn (each gets a fresh port) by nginx_config().
    return Server("nginx", [nginx], Path(nginx).stat().st_size, "nginx executable (shared libraries not counted)",
                  port_line=False, version=f"nginx {ver}")


def nginx_config(prefix: Path, port: int, name: str) -> None:
    """One process (master_process off = the single worker), everything inside the temp prefix."""
    body = ('{"status":"ok","app":"%s","timestamp":$health_ts_ms,"uptime":0}' % name).replace("'", "")
    for d in ["body", "proxy", "fastcgi", "uwsgi", "scgi"]:
        (prefix / d).mkdir(parents=True, exist_ok=True)
    (prefix / "nginx.conf").write_text(f"""\
daemon off;
master_process off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    keepalive_requests 10000000;
    # $msec is "seconds.millis": glue the two parts into epoch milliseconds.
    map $msec $health_ts_ms {{ "~^(?<s>[0-9]+)\\.(?<ms>[0-9]+)$" "$s$ms"; }}
    server {{
        listen {HOST}:{port};
        location = /health {{
            default_type application/json;
            return 200 '{body}';
        }}
    }}
}}
""")


# ---------------------------------------------------------------------------------------------------------
# Process handling. Every server runs in its own process group and is killed in `finally` whatever happens.

LIVE: set[int] = set()


def kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def kill_all_live() -> None:
    for pid in list(LIVE):
        kill_group(pid)
        LIVE.discard(pid)


def _interrupted(*_) -> None:
    raise KeyboardInterrupt


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Running:
    proc: subprocess.Popen
    port: int
    t_spawn_ns: int
    port_line_ms: float | None
    first_200_ms: float
    workdir: Path


def http_get_health(port: int, timeout: float = 1.0) -> tuple[int, bytes] | None:
    """One GET /health over a raw socket (Connection: close); None if the port does not accept yet."""
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as s:
            s.sendall(f"GET /health HTTP/1.1\r\nHost: {HOST}:{port}\r\nConnection: close\r\n\r\n".encode())
            chunks = []
            while True:
                b = s.recv(65536)
                if not b:
                    break
                chunks.append(b)
    except (ConnectionRefusedError, ConnectionResetError, socket.timeout, OSError):
        return None
    data = b"".join(chunks)
    m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    if not m:
        return None
    return int(m.group(1)), data


def decode_body(raw: bytes) -> bytes:
    head, _, body = raw.partition(b"\r\n\r\n")
    if re.search(rb"(?im)^transfer-encoding:\s*chunked", head):
        out, rest = b"", body
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            n = int(size_line.split(b";")[0], 16)
            if n == 0:
                break
            out, rest = out + rest[:n], rest[n + 2:]
        return out
    return body


def check_health_body(key: str, raw: bytes, name: str) -> None:
    try:
        j = json.loads(decode_body(raw))
    except ValueError:
        die(f"{key}: /health body is not JSON: {raw[:300]!r}")
    ok = (j.get("status") == "ok" and j.get("app") == name and isinstance(j.get("timestamp"), int)
          and j["timestamp"] > 1_000_000_000_000 and isinstance(j.get("uptime"), (int, float)))
    if not ok:
        die(f"{key}: /health JSON does not have the contract's shape: {j}")


def spawn(srv: Server, tmp: Path, name: str, pin: bool, data_dir: Path | None = None) -> Running:
    """Spawns the server; returns once /health answered 200. Times are from just before the spawn.
    Its BACKEND_DATA_DIR is `data_dir` (a store kept across spawns), else a fresh folder in its workdir: never the
    real app data folder."""
    workdir = Path(tempfile.mkdtemp(prefix=f"{srv.key}-", dir=tmp))
    env = dict(os.environ, **srv.env)
    env["BACKEND_DATA_DIR"] = str(data_dir or workdir / "data")
    cmd = list(srv.cmd)
    if srv.port_line:
        env["PORT"] = "0"
        port = 0
    else:
        port = free_port()
        nginx_config(workdir, port, name)
        cmd += ["-p", str(workdir), "-c", str(workdir / "nginx.conf"), "-e", str(workdir / "error.log")]
    stderr = open(workdir / "stderr.log", "wb")
    # Pinning: the child inherits the harness's CPU affinity, set just around the spawn. A `taskset` wrapper would
    # add an exec of its own to every server's startup time.
    harness_cpus = os.sched_getaffinity(0)
    if pin:
        os.sched_setaffinity(0, {SERVER_CPU})
    t0 = time.perf_counter_ns()
    try:
        # Its own process group (killed as a whole), but not its own session: a new session would be a new
        # scheduler autogroup, outside the priority the harness set for itself.
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr,
                                cwd=srv.cwd, env=env, process_group=0)
    finally:
        if pin:
            os.sched_setaffinity(0, harness_cpus)
    LIVE.add(proc.pid)
    stderr.close()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S

    def fail(why: str) -> None:
        kill_group(proc.pid)
        LIVE.discard(proc.pid)
        proc.wait()
        err = (workdir / "stderr.log").read_text(errors="replace")[-2000:]
        die(f"{srv.key}: {why}; stderr: {err!r}")

    port_line_ms = None
    if srv.port_line:
        buf = b""
        fd = proc.stdout.fileno()
        while True:
            m = PORT_LINE.search(buf)
            if m:
                port_line_ms = (time.perf_counter_ns() - t0) / 1e6
                port = int(m.group(1))
                break
            left = deadline - time.monotonic()
            if left <= 0:
                fail(f"no BACKEND_PORT line within {STARTUP_TIMEOUT_S} s (stdout so far: {buf[:200]!r})")
            r, _, _ = select.select([fd], [], [], left)
            if r:
                chunk = os.read(fd, 4096)
                if not chunk:
                    fail(f"stdout closed before the BACKEND_PORT line (exit {proc.poll()}, stdout {buf[:200]!r})")
                buf += chunk
        if not 0 < port < 65536:
            fail(f"bad port in the port line: {port}")
    # Poll /health until the first 200 (a refused connect costs microseconds; the loop is bounded in time).
    while True:
        r = http_get_health(port)
        if r and r[0] == 200:
            first_200_ms = (time.perf_counter_ns() - t0) / 1e6
            check_health_body(srv.key, r[1], name)
            break
        if proc.poll() is not None:
            fail(f"exited with {proc.returncode} before answering /health")
        if time.monotonic() > deadline:
            fail(f"no 200 on /health within {STARTUP_TIMEOUT_S} s (last: {r[0] if r else 'no connection'})")
        time.sleep(0.0002)
    return Running(proc, port, t0, port_line_ms, first_200_ms, workdir)


def proc_status(pid: int, field_name: str) -> int:
    """A VmRSS / VmHWM line of /proc/<pid>/status, in bytes."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) * 1024
    die(f"no {field_name} in /proc/{pid}/status")
    return 0


def terminate(r: Running) -> tuple[float, int | None]:
    """SIGTERM -> waitpid, in ms; the exit status (negative: killed by that signal)."""
    # A pidfd turns readable the moment the process exits (Popen.wait(timeout) would poll with growing sleeps).
    try:
        pidfd = os.pidfd_open(r.proc.pid)
    except (AttributeError, OSError):
        pidfd = None
    t0 = time.perf_counter_ns()
    r.proc.send_signal(signal.SIGTERM)
    try:
        if pidfd is not None:
            select.select([pidfd], [], [], EXIT_TIMEOUT_S)
        rc = r.proc.wait(timeout=EXIT_TIMEOUT_S if pidfd is None else 0.5)
        ms = (time.perf_counter_ns() - t0) / 1e6
    except subprocess.TimeoutExpired:
        ms, rc = float("nan"), None
    finally:
        if pidfd is not None:
            os.close(pidfd)
    kill_group(r.proc.pid)  # anything left in the group
    LIVE.discard(r.proc.pid)
    if rc is None:
        r.proc.wait()
    r.proc.stdout.close()
    return ms, rc

