"""Issue 9: /health's server CPU per request on keep-alive, ours now against ours at the baseline commit, in
interleaved wrk rounds of the same run (fresh spawn each, pinned as the issue-6 load rounds)."""

from __future__ import annotations

import shutil

from lib.common import log
from lib.context import Context
from lib.servers import spawn, terminate
from lib.wrk import run_wrk


def run(ctx: Context, rounds: int) -> None:
    """Also records each round's ratio ours/baseline ("health_cpu_ratio"): the two runs of a round are seconds
    apart, so their ratio is less disturbed by the machine's load drifting over the minutes of the whole run."""
    cfg = ctx.cfg
    for rep in range(rounds):
        pair = {}
        # Alternate who goes first, so that a drift of the machine's load does not favour one of them.
        order = ["ours", "baseline"] if rep % 2 == 0 else ["baseline", "ours"]
        ctx.gate.wait()  # before the pair, not between its two runs
        for k in order:
            log(f"/health before/after, round {rep + 1}/{rounds}: {k}")
            r = spawn(ctx.servers[k], ctx.tmp, ctx.app, pin=ctx.pin)
            try:
                if cfg["warmup_s"]:
                    run_wrk(r.port, r.proc.pid, cfg["warmup_s"], False, ctx.pin, cfg["connections"])
                w = run_wrk(r.port, r.proc.pid, cfg["duration_s"], False, ctx.pin, cfg["connections"])
            finally:
                terminate(r)
                shutil.rmtree(r.workdir, ignore_errors=True)
            ctx.add(k, "health_cpu_us", w["cpu_us_per_req"])
            pair[k] = w["cpu_us_per_req"]
            ctx.add(k, "health_rps", w["rps"])
            ctx.add(k, "wrk_health_baseline", w)
        ctx.add("ours", "health_cpu_ratio", pair["ours"] / pair["baseline"] if pair.get("baseline") else None)
