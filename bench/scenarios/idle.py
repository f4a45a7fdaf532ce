"""Issue 11: wakeups per second of an idle server (no connection open), every server side by side.

A wakeup is a context switch of one of the server's threads: voluntary + nonvoluntary, summed over
/proc/<pid>/task/*/status. All servers are spawned first and counted over the same window, so that the figure costs
one window for all of them; an idle server does not disturb another."""

from __future__ import annotations

import shutil
import time

from lib.common import log
from lib.context import Context
from lib.cpu import context_switches
from lib.servers import spawn, terminate


def run(ctx: Context, keys: list[str], seconds: float, settle_s: float = 1.0) -> None:
    log(f"idle wakeups: {', '.join(keys)} over {seconds} s")
    running = []
    try:
        for k in keys:
            running.append((k, spawn(ctx.servers[k], ctx.tmp, ctx.app, pin=False)))
        time.sleep(settle_s)  # past startup work (JIT, first timers) and the health probe's connection
        before = {k: context_switches(r.proc.pid) for k, r in running}
        t0 = time.monotonic()
        time.sleep(seconds)
        wall = time.monotonic() - t0
        for k, r in running:
            ctx.add(k, "idle_wakeups", (context_switches(r.proc.pid) - before[k]) / wall)
    finally:
        for _, r in running:
            terminate(r)
            shutil.rmtree(r.workdir, ignore_errors=True)
