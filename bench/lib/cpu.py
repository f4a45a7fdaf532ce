"""CPU and scheduling figures from /proc: the server's CPU time, the machine's other work, context switches."""

from __future__ import annotations

import os
import time
from pathlib import Path


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



def cpu_ns(pid: int) -> int:
    """Time on CPU of all the process's live threads, in ns (/proc/<pid>/task/*/schedstat): finer than
    /proc/<pid>/stat's clock ticks (10 ms), which matters for figures of a few ms of CPU in total."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # the thread ended meanwhile
    return total


def context_switches(pid: int) -> int:
    """voluntary + nonvoluntary context switches summed over the process's threads: each is a wakeup."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            for line in (task / "status").read_text().splitlines():
                if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                    total += int(line.split()[1])
        except (OSError, ValueError):
            pass
    return total
