"""Issue 6: startup, idle RSS and SIGTERM from fresh spawns; /health throughput, p99 and CPU per request with wrk
(keep-alive, then Connection: close)."""

from __future__ import annotations

import shutil
import time

from lib.common import die, log
from lib.context import Context
from lib.servers import proc_status, spawn, terminate
from lib.wrk import run_wrk


def run(ctx: Context, keys: list[str]) -> None:
    cfg = ctx.cfg
    servers = [ctx.servers[k] for k in keys]
    # 1. Startup, idle RSS, SIGTERM -> exit: fresh spawns, unpinned, round-robin over the servers. Each server
    # keeps one data folder over its spawns, as an app's sidecar does from one launch to the next; the first
    # spawn (the store created in an empty folder) is not among the samples, its port-line time is reported
    # on its own.
    log(f"startup: {cfg['startup_reps']} spawns each of {', '.join(keys)}")
    data = {s.key: ctx.tmp / f"{s.key}-data" for s in servers}
    for s in servers:
        r = spawn(s, ctx.tmp, ctx.app, pin=False, data_dir=data[s.key])
        terminate(r)
        shutil.rmtree(r.workdir, ignore_errors=True)
        ctx.add(s.key, "first_start_port_line_ms", r.port_line_ms)
    for _ in range(cfg["startup_reps"]):
        ctx.gate.wait()
        for s in servers:
            r = spawn(s, ctx.tmp, ctx.app, pin=False, data_dir=data[s.key])
            try:
                time.sleep(cfg["settle_s"])
                ctx.add(s.key, "idle_rss_mb", proc_status(r.proc.pid, "VmRSS") / 1e6)
            finally:
                ms, rc = terminate(r)
            ctx.add(s.key, "port_line_ms", r.port_line_ms)
            ctx.add(s.key, "first_200_ms", r.first_200_ms)
            ctx.add(s.key, "sigterm_exit_ms", ms)
            ctx.add(s.key, "exit_status", rc)
            shutil.rmtree(r.workdir, ignore_errors=True)

    # 2. Load: one spawn per server and round, pinned; warm-up, keep-alive run, Connection: close run.
    conns = cfg["connections"]
    for rep in range(cfg["load_reps"]):
        for s in servers:
            ctx.gate.wait()
            log(f"load round {rep + 1}/{cfg['load_reps']}: {s.key}")
            r = spawn(s, ctx.tmp, ctx.app, pin=ctx.pin)
            try:
                if cfg["warmup_s"]:
                    run_wrk(r.port, r.proc.pid, cfg["warmup_s"], False, ctx.pin, conns)
                ka = run_wrk(r.port, r.proc.pid, cfg["duration_s"], False, ctx.pin, conns)
                cl = run_wrk(r.port, r.proc.pid, cfg["duration_s"], True, ctx.pin, conns)
                ctx.add(s.key, "peak_rss_mb", proc_status(r.proc.pid, "VmHWM") / 1e6)
                if r.proc.poll() is not None:
                    die(f"{s.key} died under load (exit {r.proc.returncode})")
            finally:
                terminate(r)
            shutil.rmtree(r.workdir, ignore_errors=True)
            ctx.add(s.key, "rps_keepalive", ka["rps"])
            ctx.add(s.key, "p99_keepalive_ms", ka["p99_ms"])
            ctx.add(s.key, "rps_close", cl["rps"])
            ctx.add(s.key, "p99_close_ms", cl["p99_ms"])
            ctx.add(s.key, "cpu_us_keepalive", ka["cpu_us_per_req"])
            ctx.add(s.key, "cpu_us_close", cl["cpu_us_per_req"])
            ctx.add(s.key, "wrk_keepalive", ka)
            ctx.add(s.key, "wrk_close", cl)
            for what, w in [("keep-alive", ka), ("close", cl)]:
                if w["non_2xx"] or w["socket_errors"]:
                    log(f"warning: {s.key} {what}: {w['non_2xx']} non-2xx, {w['socket_errors']} socket errors")
