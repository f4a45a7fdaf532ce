"""What every part of the bench shares: paths, constants, logging, subprocess, the machine's state."""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = BENCH_DIR.parent
APP_JSON = REPO_ROOT / "packages" / "shared" / "app.json"
PEERS_SRC = BENCH_DIR / "peers"
PEERS_OUT = BENCH_DIR / ".peers"  # git-ignored: node_modules stay in peers/hono, everything built goes here
RESULTS_DIR = BENCH_DIR / "results"

HOST = "127.0.0.1"
PORT_LINE = re.compile(rb"^BACKEND_PORT:(\d+)\r?\n", re.M)
STARTUP_TIMEOUT_S = 15.0
EXIT_TIMEOUT_S = 10.0
SERVER_CPU = 0  # with --pin (default): every server gets core 0, wrk and the harness's clients core 1
WRK_CPU = 1


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


def median(xs: list) -> float | None:
    xs = [x for x in xs if x is not None and x == x]
    return statistics.median(xs) if xs else None


def percentile(xs: list, p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100) of the finite values, None when there are none."""
    xs = sorted(x for x in xs if x is not None and x == x)
    if not xs:
        return None
    k = max(0, min(len(xs) - 1, int(round(p / 100 * len(xs) + 0.5)) - 1))
    return xs[k]


class Pinned:
    """Runs the harness (and what it spawns meanwhile) on the load core while a scenario's clients measure,
    so that they do not take the server's core; restores the harness's affinity after."""

    def __init__(self, pin: bool):
        self.pin, self.saved = pin, None

    def __enter__(self):
        if self.pin:
            self.saved = os.sched_getaffinity(0)
            os.sched_setaffinity(0, {WRK_CPU})
        return self

    def __exit__(self, *exc):
        if self.saved is not None:
            os.sched_setaffinity(0, self.saved)

