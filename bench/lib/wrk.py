"""wrk runs: requests per second, p99 latency, and the server's CPU time per request."""

from __future__ import annotations

import re
import time
from pathlib import Path

from lib.common import HOST, WRK_CPU, die, run
from lib.cpu import machine_busy_s, own_cpu_s, process_cpu_s


def to_ms(value: str, unit: str) -> float:
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def run_wrk(port: int, server_pid: int, seconds: float, close: bool, pin: bool, connections: int,
            path: str = "/health", script: Path | None = None) -> dict:
    """One `wrk -t1` run on `path` (or what the Lua `script` sends), with the server's CPU time meanwhile."""
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "2s"]
    if close:
        cmd += ["-H", "Connection: close"]
    if script is not None:
        cmd += ["-s", str(script)]
    cmd.append(f"http://{HOST}:{port}{path}")
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

