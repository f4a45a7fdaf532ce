#!/usr/bin/env python3
"""Benchmark of the backend against its peers (issue 6). Python 3 standard library only.

Run it through bench/run.sh, which installs the Debian packages and builds our release binary first:
    bench/run.sh            full run, writes bench/results/{results.md,results.json,chart.png}
    bench/run.sh --quick    CI smoke run (a few seconds): ours + Hono/Node + nginx, results to a temp dir

Servers ("ours" and its peers) are measured in one run, interleaved round-robin so that noise from other
work on the machine spreads over all of them:
  * binary size (what would ship),
  * spawn -> `BACKEND_PORT:<port>` line on stdout, spawn -> first HTTP 200 on /health,
  * idle RSS (VmRSS after startup + a settle time), peak RSS (VmHWM after the load),
  * throughput and p99 latency with wrk (keep-alive, then `Connection: close`),
  * SIGTERM -> exit (waitpid).
Medians of the repetitions are reported, with the ratios ours/peer.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
APP_JSON = REPO_ROOT / "packages" / "shared" / "app.json"
PEERS_SRC = BENCH_DIR / "peers"
PEERS_OUT = BENCH_DIR / ".peers"  # git-ignored: node_modules stay in peers/hono, everything built goes here
RESULTS_DIR = BENCH_DIR / "results"

HOST = "127.0.0.1"
PORT_LINE = re.compile(rb"^BACKEND_PORT:(\d+)\r?\n", re.M)
STARTUP_TIMEOUT_S = 15.0
EXIT_TIMEOUT_S = 10.0
SERVER_CPU = 0  # with --pin (default): every server gets core 0, wrk gets core 1
WRK_CPU = 1

MODES = {
    # startup_reps: spawns per server for startup, idle RSS and SIGTERM; load_reps: wrk rounds per server.
    "full": dict(startup_reps=15, load_reps=5, warmup_s=1, duration_s=3, settle_s=0.5, quiet_wait_s=120,
                 peers=["hono-node", "hono-bun", "go", "nginx"]),
    "quick": dict(startup_reps=3, load_reps=1, warmup_s=0, duration_s=1, settle_s=0.2, quiet_wait_s=0,
                  peers=["hono-node", "nginx"]),
}

LABELS = {
    "ours": "ours (C++/Beast)",
    "hono-node": "Hono on Node",
    "hono-bun": "Hono, Bun-compiled",
    "go": "Go net/http",
    "nginx": "nginx (1 worker)",
}
SHORT = {"ours": "ours", "hono-node": "Hono/Node", "hono-bun": "Hono/Bun", "go": "Go", "nginx": "nginx"}


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def die(msg: str) -> None:
    raise SystemExit(f"bench: error: {msg}")


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    kw.setdefault("check", True)
    kw.setdefault("timeout", 600)
    return subprocess.run(cmd, **kw)


def app_name() -> str:
    info = json.loads(APP_JSON.read_text())
    name = info.get("name")
    if not isinstance(name, str) or not name:
        die(f"{APP_JSON} has no 'name'")
    return name


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
    """`npm ci` from the committed package-lock.json, skipped when node_modules already matches it."""
    stamp = project / "node_modules" / ".package-lock.json"
    lock = project / "package-lock.json"
    if stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
        return
    log(f"npm ci in {project.relative_to(REPO_ROOT)}")
    run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=project, stdout=sys.stderr)


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


def spawn(srv: Server, tmp: Path, name: str, pin: bool) -> Running:
    """Spawns the server; returns once /health answered 200. Times are from just before the spawn."""
    workdir = Path(tempfile.mkdtemp(prefix=f"{srv.key}-", dir=tmp))
    env = dict(os.environ, **srv.env)
    # Our backend keeps its settings store there: never the real app data folder.
    env.setdefault("BACKEND_DATA_DIR", str(workdir / "data"))
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


# ---------------------------------------------------------------------------------------------------------
# Noise: the machine is shared (2 cores, other builds). Each wrk run records how much CPU everything else
# used meanwhile, and with a budget the load rounds wait (bounded) for a quieter moment before they start.

CLK_TCK = os.sysconf("SC_CLK_TCK")


def machine_busy_s() -> float:
    """CPU seconds spent busy by the whole machine (all cores) since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]  # user nice system idle iowait irq softirq steal
    return (sum(v) - v[3] - v[4]) / CLK_TCK


def process_cpu_s(pid: int) -> float:
    """utime + stime of a process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def own_cpu_s() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system  # the harness and the wrk runs it waited for


class QuietGate:
    """Waits, within a total time budget, until the machine's other work drops below a threshold."""

    def __init__(self, budget_s: float, threshold_cores: float = 0.3, window_s: float = 0.5):
        self.budget_s, self.threshold, self.window_s = budget_s, threshold_cores, window_s
        self.waited_s = 0.0

    def wait(self) -> None:
        start = time.monotonic()
        while self.budget_s - self.waited_s - (time.monotonic() - start) > 0:
            b0, t0 = machine_busy_s(), time.monotonic()
            time.sleep(self.window_s)
            if (machine_busy_s() - b0) / (time.monotonic() - t0) <= self.threshold:
                break
        self.waited_s += time.monotonic() - start


# ---------------------------------------------------------------------------------------------------------
# wrk


def to_ms(value: str, unit: str) -> float:
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def run_wrk(port: int, server_pid: int, seconds: float, close: bool, pin: bool, connections: int) -> dict:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "2s"]
    if close:
        cmd += ["-H", "Connection: close"]
    cmd.append(f"http://{HOST}:{port}/health")
    if pin:
        cmd = ["taskset", "-c", str(WRK_CPU)] + cmd
    busy0, srv0, own0, t0 = machine_busy_s(), process_cpu_s(server_pid), own_cpu_s(), time.monotonic()
    out = run(cmd, capture_output=True, text=True, timeout=seconds + 30).stdout
    wall = time.monotonic() - t0
    server_cpu = process_cpu_s(server_pid) - srv0
    foreign = (machine_busy_s() - busy0) - server_cpu - (own_cpu_s() - own0)
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    total = re.search(r"^\s+(\d+) requests in", out, re.M)
    if not (rps and p99 and total):
        die(f"could not parse wrk output:\n{out}")
    errors = 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        errors = sum(int(x) for x in m.groups())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return dict(rps=float(rps.group(1)), p99_ms=to_ms(p99.group(1), p99.group(2)), requests=int(total.group(1)),
                socket_errors=errors, non_2xx=int(non2xx.group(1)) if non2xx else 0,
                other_cpu_cores=max(0.0, foreign / wall), server_cpu_cores=server_cpu / wall,
                # CPU time the server spent per request: less sensitive to a busy machine than req/s.
                cpu_us_per_req=server_cpu / max(1, int(total.group(1))) * 1e6)


# ---------------------------------------------------------------------------------------------------------
# Output


def median(xs: list) -> float | None:
    xs = [x for x in xs if x is not None and x == x]
    return statistics.median(xs) if xs else None


METRICS = [
    # key, label, unit, formatter, lower is better
    ("size_mb", "Binary size", "MB", "{:.2f}", True),
    ("port_line_ms", "Spawn → port line", "ms", "{:.2f}", True),
    ("first_200_ms", "Spawn → first 200", "ms", "{:.2f}", True),
    ("idle_rss_mb", "Idle RSS", "MB", "{:.2f}", True),
    ("peak_rss_mb", "Peak RSS (after load)", "MB", "{:.2f}", True),
    ("rps_keepalive", "Throughput, keep-alive", "req/s", "{:,.0f}", False),
    ("p99_keepalive_ms", "p99 latency, keep-alive", "ms", "{:.2f}", True),
    ("rps_close", "Throughput, Connection: close", "req/s", "{:,.0f}", False),
    ("p99_close_ms", "p99 latency, Connection: close", "ms", "{:.2f}", True),
    ("cpu_us_keepalive", "Server CPU per request, keep-alive", "µs", "{:.1f}", True),
    ("cpu_us_close", "Server CPU per request, Connection: close", "µs", "{:.1f}", True),
    ("sigterm_exit_ms", "SIGTERM → exit", "ms", "{:.2f}", True),
]


def fmt_ratio(r: float | None) -> str:
    if r is None:
        return "n/a"
    if r >= 100:
        return f"{r:.0f}×"
    if r >= 10:
        return f"{r:.1f}×"
    if r >= 0.1:
        return f"{r:.2f}×"
    inv = 1 / r  # a small ratio reads better as a fraction: "1/68" is ours/peer = 0.0147
    return f"1/{inv:,.0f}"


def ratio(ours: float | None, peer: float | None) -> float | None:
    if ours is None or peer is None or peer == 0:
        return None
    return ours / peer


def targets(med: dict) -> list[dict]:
    o, n, b, x = med.get("ours", {}), med.get("hono-node", {}), med.get("hono-bun", {}), med.get("nginx", {})

    def t(name, value, ok_fn, shown):
        return dict(target=name, value=value, ok=None if value is None else bool(ok_fn(value)),
                    shown="n/a (peer not run)" if value is None else shown(value))

    inv = lambda a, c: None if (a is None or c is None or a == 0) else c / a  # noqa: E731
    size = o.get("size_mb")
    return [
        t("Startup (spawn → port line) ≥ 50× faster than Hono on Node", inv(o.get("port_line_ms"), n.get("port_line_ms")),
          lambda v: v >= 50, lambda v: f"{v:.0f}× faster" if v >= 10 else f"{v:.1f}× faster"),
        t("Idle RSS ≤ 1/25 of Hono on Node's", ratio(o.get("idle_rss_mb"), n.get("idle_rss_mb")),
          lambda v: v <= 1 / 25, lambda v: f"1/{1 / v:.0f}" if v < 0.5 else f"{v:.2f}×"),
        t("Throughput (keep-alive) ≥ nginx's (1 worker)", ratio(o.get("rps_keepalive"), x.get("rps_keepalive")),
          lambda v: v >= 1.0, lambda v: f"{v:.3f}× nginx"),
        t("Throughput (keep-alive) ≥ 1.5× Bun's", ratio(o.get("rps_keepalive"), b.get("rps_keepalive")),
          lambda v: v >= 1.5, lambda v: f"{v:.3f}× Bun"),
        t("p99 (keep-alive) < 2× nginx's", ratio(o.get("p99_keepalive_ms"), x.get("p99_keepalive_ms")),
          lambda v: v < 2.0, lambda v: f"{v:.3f}× nginx"),
        t("Shipped binary ≤ 2.0 MB (1.5 MB before the SQLite store)", size, lambda v: v <= 2.0, lambda v: f"{v:.2f} MB"),
    ]


def markdown(res: dict) -> str:
    keys = res["servers"]
    med = res["medians"]
    cfg = res["config"]
    lines = []
    head = ["Metric"] + [LABELS[k] for k in keys]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for key, label, unit, f, _ in METRICS:
        row = [f"{label} ({unit})"]
        ours = med.get("ours", {}).get(key)
        for k in keys:
            v = med.get(k, {}).get(key)
            cell = "n/a" if v is None else f.format(v)
            if k != "ours" and v is not None and ours is not None:
                cell += f" ({fmt_ratio(ratio(ours, v))})"
            row.append(cell)
        lines.append("| " + " | ".join(row) + " |")
    row = ["Exit on SIGTERM"]
    for k in keys:
        codes = sorted({c for c in res["raw"][k].get("exit_status", [])}, key=lambda c: (c is None, c))
        row.append(", ".join("timeout" if c is None else (f"killed by signal {-c}" if c < 0 else f"status {c}")
                             for c in codes) or "n/a")
    lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    lines.append("Peer cells: median (ours/peer ratio; below 1× is better for ours except for throughput). "
                 "Server CPU per request: the server's user+system time during the wrk run over the requests "
                 "served, steadier than req/s when other work competes for the cores.")
    lines.append("")
    lines.append("| Target (issue 6) | Measured | Met |")
    lines.append("|---|---|---|")
    for t in res["targets"]:
        ok = "n/a" if t["ok"] is None else ("yes" if t["ok"] else "**no**")
        lines.append(f"| {t['target']} | {t['shown']} | {ok} |")
    lines.append("")
    lines.append(
        f"Mode `{cfg['mode']}`, {res['date']}: {cfg['startup_reps']} spawns per server (startup, idle RSS, SIGTERM), "
        f"{cfg['load_reps']} wrk round(s) of {cfg['duration_s']} s per server and connection mode "
        f"(`wrk -t1 -c{cfg['connections']}`, {cfg['warmup_s']} s warm-up), "
        + ("server pinned to core 0 and wrk to core 1" if cfg["pin"] else "no CPU pinning")
        + f", nice {cfg['nice']}"
        + f"; {res['host']['cpus']} × {res['host']['cpu']}, Linux {res['host']['kernel']}, "
        f"load average {res['host']['loadavg_before']} before / {res['host']['loadavg_after']} after.")
    others = [w["other_cpu_cores"] for k in keys for kind in ("wrk_keepalive", "wrk_close")
              for w in res["raw"][k].get(kind, [])]
    if others:
        lines.append(f"Other work on the machine during the wrk runs: median {statistics.median(others):.2f} cores, "
                     f"max {max(others):.2f} (of {res['host']['cpus']}); waited {res['host']['quiet_wait_s']} s "
                     f"in total for quieter moments.")
    lines.append("Versions: " + ", ".join(f"{LABELS[k]}: {res['versions'][k]}" for k in keys if res["versions"].get(k))
                 + f", wrk {res['versions'].get('wrk', '?')}.")
    return "\n".join(lines) + "\n"


GNUPLOT = r"""
set terminal pngcairo size 1800,900 font "DejaVu Sans,10"
set output '{png}'
set datafile separator "\t"
set datafile missing "?"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key top left
set offsets 0, 0, graph 0.25, 0
set xrange [-0.6:{xmax}]
set xtics nomirror
set multiplot layout 2,4 title "{app} backend (ours) vs peers, medians; {title}" font ",13"
set logscale y
set format y "%g"
set title "Startup (ms, log)"
plot '{dat}' using 3:xtic(1) title "spawn → port line" lc rgb "#1f77b4", '' using 4 title "spawn → first 200" lc rgb "#ff7f0e"
set title "Memory (MB, log)"
plot '{dat}' using 5:xtic(1) title "idle RSS" lc rgb "#2ca02c", '' using 6 title "peak RSS" lc rgb "#98df8a"
set title "Binary size (MB, log)"
plot '{dat}' using 2:xtic(1) title "size" lc rgb "#9467bd"
unset logscale y
set yrange [0:*]
set title "Throughput on /health (req/s)"
plot '{dat}' using 7:xtic(1) title "keep-alive" lc rgb "#d62728", '' using 9 title "Connection: close" lc rgb "#ff9896"
set logscale y
set yrange [*:*]
set title "p99 latency (ms, log)"
plot '{dat}' using 8:xtic(1) title "keep-alive" lc rgb "#8c564b", '' using 10 title "Connection: close" lc rgb "#c49c94"
set title "SIGTERM → exit (ms, log)"
plot '{dat}' using 11:xtic(1) title "SIGTERM → exit" lc rgb "#7f7f7f"
set title "Server CPU per request (µs, log)"
plot '{dat}' using 12:xtic(1) title "keep-alive" lc rgb "#17becf", '' using 13 title "Connection: close" lc rgb "#9edae5"
unset multiplot
"""


def chart(res: dict, out_png: Path, tmp: Path) -> bool:
    if not shutil.which("gnuplot"):
        log("gnuplot not found: no chart (scripts/install-deps.sh bench installs gnuplot-nox)")
        return False
    cols = ["size_mb", "port_line_ms", "first_200_ms", "idle_rss_mb", "peak_rss_mb", "rps_keepalive",
            "p99_keepalive_ms", "rps_close", "p99_close_ms", "sigterm_exit_ms", "cpu_us_keepalive", "cpu_us_close"]
    dat = tmp / "chart.dat"
    with open(dat, "w") as f:
        f.write("# server\t" + "\t".join(cols) + "\n")
        for k in res["servers"]:
            m = res["medians"].get(k, {})
            vals = ["?" if m.get(c) is None or m.get(c) <= 0 else f"{m[c]:.6g}" for c in cols]
            f.write(f'"{SHORT[k]}"\t' + "\t".join(vals) + "\n")
    script = tmp / "chart.gp"
    script.write_text(GNUPLOT.format(png=out_png, dat=dat, xmax=len(res["servers"]) - 0.4, app=res["app"], title=f"{res['config']['mode']} run, {res['date']}"))
    r = subprocess.run(["gnuplot", str(script)], capture_output=True, text=True, timeout=60)
    if r.returncode != 0 or not out_png.exists() or out_png.stat().st_size == 0:
        die(f"gnuplot failed: {r.stderr}")
    return True


README_BEGIN = "<!-- bench-results:begin (written by bench/bench.py) -->"
README_END = "<!-- bench-results:end -->"


def update_readme(md: str) -> None:
    """A run that writes bench/results/ also refreshes the table in bench/README.md and in the root README.md,
    between the markers."""
    for readme in (BENCH_DIR / "README.md", BENCH_DIR.parent / "README.md"):
        if not readme.exists():
            continue
        text = readme.read_text()
        i, j = text.find(README_BEGIN), text.find(README_END)
        if i < 0 or j < i:
            log(f"{readme.name} has no results markers: not updated")
            continue
        readme.write_text(text[:i + len(README_BEGIN)] + "\n" + md + text[j:])


# ---------------------------------------------------------------------------------------------------------


def host_info() -> dict:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return dict(cpus=os.cpu_count(), cpu=cpu, kernel=platform.release(),
                loadavg_before=" ".join(f"{x:.2f}" for x in os.getloadavg()))


AUTOGROUP = Path("/proc/self/autogroup")


def set_priority(nice: int) -> int | None:
    """Raises the harness's priority (inherited by the servers and wrk). With the scheduler's autogroups on, the
    CPU is first shared between sessions, so the session's autogroup gets the same nice value. Returns the
    autogroup's previous nice value, to restore at the end."""
    if not nice:
        return None
    try:
        os.setpriority(os.PRIO_PROCESS, 0, nice)
    except OSError as e:
        log(f"cannot set priority {nice} ({e.strerror}): running at {os.getpriority(os.PRIO_PROCESS, 0)}")
        return None
    try:
        m = re.search(r"nice (-?\d+)", AUTOGROUP.read_text())
        if m:
            AUTOGROUP.write_text(str(nice))
            return int(m.group(1))
    except OSError:
        pass  # no autogroups here: the process priority is enough
    return None


def restore_autogroup(old: int | None) -> None:
    if old is not None:
        try:
            AUTOGROUP.write_text(str(old))
        except OSError:
            pass


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="CI smoke run: a few seconds, results to a temp dir")
    ap.add_argument("--backend-bin", default=os.environ.get("BACKEND_BIN"),
                    help="our server binary (default: $BACKEND_BIN, else build/release/apps/backend/backend)")
    ap.add_argument("--peers", help="comma-separated subset of hono-node,hono-bun,go,nginx")
    ap.add_argument("--out", help="results directory (default: bench/results, or a temp dir with --quick)")
    ap.add_argument("--startup-reps", type=int)
    ap.add_argument("--load-reps", type=int)
    ap.add_argument("--duration", type=float, help="seconds per wrk run")
    ap.add_argument("--warmup", type=float, help="seconds of wrk warm-up before the measured runs")
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--rerender", action="store_true",
                    help="measure nothing: rewrite results.md, chart.png (and the README table) from results.json")
    ap.add_argument("--quiet-wait", type=float, help="total seconds the load rounds may wait for a quieter machine")
    ap.add_argument("--no-pin", action="store_true", help="do not pin the server to core 0 and wrk to core 1")
    ap.add_argument("--nice", type=int, default=-10,
                    help="scheduling priority for the harness, the servers and wrk (default -10, when allowed): "
                         "other work on a shared machine then disturbs the measurements less; 0 leaves it")
    a = ap.parse_args()

    if a.rerender:
        out_dir = Path(a.out) if a.out else RESULTS_DIR
        res = json.loads((out_dir / "results.json").read_text())
        res.setdefault("app", app_name())
        res["targets"] = targets(res["medians"])
        (out_dir / "results.json").write_text(json.dumps(res, indent=1, default=str) + "\n")
        md = markdown(res)
        (out_dir / "results.md").write_text(md)
        tmp = Path(tempfile.mkdtemp(prefix="bench-render-"))
        chart(res, out_dir / "chart.png", tmp)
        shutil.rmtree(tmp, ignore_errors=True)
        if out_dir.resolve() == RESULTS_DIR.resolve():
            update_readme(md)
        print(md)
        return 0

    mode = "quick" if a.quick else "full"
    cfg = dict(MODES[mode])
    if a.peers:
        cfg["peers"] = [p.strip() for p in a.peers.split(",") if p.strip()]
    for opt, key in [("startup_reps", "startup_reps"), ("load_reps", "load_reps"), ("duration", "duration_s"),
                     ("warmup", "warmup_s"), ("quiet_wait", "quiet_wait_s")]:
        if getattr(a, opt) is not None:
            cfg[key] = getattr(a, opt)
    cfg["duration_s"] = int(cfg["duration_s"]) if float(cfg["duration_s"]).is_integer() else cfg["duration_s"]
    pin = not a.no_pin and (os.cpu_count() or 1) >= 2
    autogroup_nice = set_priority(a.nice)
    nice = os.getpriority(os.PRIO_PROCESS, 0)
    cfg.update(mode=mode, pin=pin, connections=a.connections, nice=nice)
    unknown = set(cfg["peers"]) - {"hono-node", "hono-bun", "go", "nginx"}
    if unknown:
        die(f"unknown peer(s): {', '.join(sorted(unknown))}")
    for tool in ["wrk"] + (["taskset"] if pin else []):
        if not shutil.which(tool):
            die(f"{tool} not found (scripts/install-deps.sh bench)")

    out_dir = Path(a.out) if a.out else (Path(tempfile.mkdtemp(prefix="bench-quick-")) if a.quick else RESULTS_DIR)
    out_dir.mkdir(parents=True, exist_ok=True)
    bin_path = a.backend_bin or str(REPO_ROOT / "build" / "release" / "apps" / "backend" / "backend")
    name = app_name()
    host = host_info()

    # Prepare (install and build) everything before measuring anything.
    prep = {"hono-node": prepare_hono_node, "hono-bun": prepare_hono_bun, "go": prepare_go, "nginx": prepare_nginx}
    servers = [prepare_ours(bin_path)] + [prep[p]() for p in ["hono-node", "hono-bun", "go", "nginx"]
                                          if p in cfg["peers"]]
    keys = [s.key for s in servers]
    wrk_ver = run(["wrk", "-v"], capture_output=True, text=True, check=False).stdout.split("\n")[0].split(" ")[1:2]
    raw: dict[str, dict[str, list]] = {k: {} for k in keys}

    def add(k, metric, v):
        raw[k].setdefault(metric, []).append(v)

    tmp = Path(tempfile.mkdtemp(prefix="bench-run-"))
    old_handlers = {sig: signal.signal(sig, _interrupted) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        # 1. Startup, idle RSS, SIGTERM -> exit: fresh spawns, unpinned, round-robin over the servers.
        log(f"startup: {cfg['startup_reps']} spawns each of {', '.join(keys)}")
        gate = QuietGate(cfg["quiet_wait_s"])
        for rep in range(cfg["startup_reps"]):
            gate.wait()
            for s in servers:
                r = spawn(s, tmp, name, pin=False)
                try:
                    time.sleep(cfg["settle_s"])
                    add(s.key, "idle_rss_mb", proc_status(r.proc.pid, "VmRSS") / 1e6)
                finally:
                    ms, rc = terminate(r)
                add(s.key, "port_line_ms", r.port_line_ms)
                add(s.key, "first_200_ms", r.first_200_ms)
                add(s.key, "sigterm_exit_ms", ms)
                add(s.key, "exit_status", rc)
                shutil.rmtree(r.workdir, ignore_errors=True)

        # 2. Load: one spawn per server and round, pinned; warm-up, keep-alive run, Connection: close run.
        for rep in range(cfg["load_reps"]):
            for s in servers:
                gate.wait()
                log(f"load round {rep + 1}/{cfg['load_reps']}: {s.key}")
                r = spawn(s, tmp, name, pin=pin)
                try:
                    if cfg["warmup_s"]:
                        run_wrk(r.port, r.proc.pid, cfg["warmup_s"], False, pin, a.connections)
                    ka = run_wrk(r.port, r.proc.pid, cfg["duration_s"], False, pin, a.connections)
                    cl = run_wrk(r.port, r.proc.pid, cfg["duration_s"], True, pin, a.connections)
                    add(s.key, "peak_rss_mb", proc_status(r.proc.pid, "VmHWM") / 1e6)
                    if r.proc.poll() is not None:
                        die(f"{s.key} died under load (exit {r.proc.returncode})")
                finally:
                    terminate(r)
                shutil.rmtree(r.workdir, ignore_errors=True)
                add(s.key, "rps_keepalive", ka["rps"])
                add(s.key, "p99_keepalive_ms", ka["p99_ms"])
                add(s.key, "rps_close", cl["rps"])
                add(s.key, "p99_close_ms", cl["p99_ms"])
                add(s.key, "cpu_us_keepalive", ka["cpu_us_per_req"])
                add(s.key, "cpu_us_close", cl["cpu_us_per_req"])
                add(s.key, "wrk_keepalive", ka)
                add(s.key, "wrk_close", cl)
                for what, w in [("keep-alive", ka), ("close", cl)]:
                    if w["non_2xx"] or w["socket_errors"]:
                        log(f"warning: {s.key} {what}: {w['non_2xx']} non-2xx, {w['socket_errors']} socket errors")
    finally:
        kill_all_live()
        restore_autogroup(autogroup_nice)
        for sig, h in old_handlers.items():
            signal.signal(sig, h)
        host["loadavg_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        host["quiet_wait_s"] = round(gate.waited_s, 1) if "gate" in locals() else 0

    medians = {}
    for s in servers:
        m = {k: median(v) for k, v in raw[s.key].items() if k not in ("wrk_keepalive", "wrk_close", "exit_status")}
        m["size_mb"] = s.size_bytes / 1e6
        medians[s.key] = m
    res = dict(
        app=name, date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        config=cfg, host=host, servers=keys,
        versions=dict({s.key: s.version for s in servers}, wrk=wrk_ver[0] if wrk_ver else "?"),
        sizes={s.key: dict(bytes=s.size_bytes, what=s.size_note) for s in servers},
        medians=medians, raw=raw,
    )
    res["ratios_ours_over_peer"] = {
        k: {m: ratio(medians["ours"].get(m), medians[k].get(m)) for m, *_ in METRICS} for k in keys if k != "ours"}
    res["targets"] = targets(medians)

    md = markdown(res)
    (out_dir / "results.md").write_text(md)
    (out_dir / "results.json").write_text(json.dumps(res, indent=1, default=str) + "\n")
    charted = chart(res, out_dir / "chart.png", tmp)
    if out_dir.resolve() == RESULTS_DIR.resolve():
        update_readme(md)
    shutil.rmtree(tmp, ignore_errors=True)
    print(md)
    print(f"results: {out_dir}/results.md, results.json" + (", chart.png" if charted else ""))

    # The harness check (what --quick is for in CI): every number was measured and parsed.
    problems = []
    for k in keys:
        for key, *_ in METRICS:
            if key == "port_line_ms" and k == "nginx":
                continue
            if medians[k].get(key) is None:
                problems.append(f"{k}: {key} missing")
    if medians["ours"].get("rps_keepalive", 0) <= 0:
        problems.append("ours: no throughput")
    bad_exit = [rc for rc in raw["ours"].get("exit_status", []) if rc != 0]
    if bad_exit:
        problems.append(f"ours: SIGTERM exit status {bad_exit[:5]} (contract: graceful exit 0)")
    if not (out_dir / "results.md").stat().st_size:
        problems.append("results.md empty")
    for p in problems:
        print(f"bench: FAILED: {p}", file=sys.stderr)
    if a.quick:
        print(f"bench-quick: {0 if problems else 1} passed, {1 if problems else 0} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        kill_all_live()
        sys.exit(130)
    finally:
        kill_all_live()
