#!/usr/bin/env python3
"""Benchmark of the backend against its peers (issues 6, 9, 10, 11). Python 3 standard library only.

Run it through bench/run.sh, which installs the Debian packages and builds our release binary first:
    bench/run.sh            full run, writes bench/results/{results.md,results.json,chart.png}
    bench/run.sh --quick    CI smoke run (every scenario, tiny counts): results to a temp dir

Servers ("ours" and its peers) are measured in one run, interleaved so that noise from other work on the machine
spreads over all of them. The scenarios, one module each in bench/scenarios/:
  health    startup, idle/peak RSS, /health throughput, p99 and CPU per request, SIGTERM -> exit (issue 6)
  idle      wakeups per second with no connection open, every server (issue 11)
  store     the settings routes against Hono + better-sqlite3 on Node (issue 10)
  stream    GET /events: fan-out CPU, delivery delay, memory, against the same peer with streamSSE (issue 11)
  baseline  /health CPU per request, ours now against ours at b886f62 (issue 9)
Medians of the repetitions are reported, with the ratios ours/peer, and the issues' targets.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lib.common import RESULTS_DIR, app_name, die, host_info, median, restore_autogroup, run, set_priority  # noqa: E402
from lib.context import Context  # noqa: E402
from lib.cpu import QuietGate  # noqa: E402
from lib.report import METRICS, STORE_METRICS, chart, markdown, ratio, targets, update_readme  # noqa: E402
from lib.servers import (kill_all_live, prepare_baseline, prepare_go, prepare_hono_bun, prepare_hono_node,  # noqa: E402
                         prepare_hono_sqlite, prepare_nginx, prepare_ours, _interrupted)
from scenarios import baseline, health, idle, store, stream  # noqa: E402

ISSUE6_PEERS = ["hono-node", "hono-bun", "go", "nginx"]
ALL_PEERS = ISSUE6_PEERS + ["hono-sqlite"]

MODES = {
    # startup_reps: spawns per server for startup, idle RSS and SIGTERM; load_reps: wrk rounds per server.
    "full": dict(startup_reps=15, load_reps=5, warmup_s=1, duration_s=3, settle_s=0.5, quiet_wait_s=120,
                 peers=ALL_PEERS),
    "quick": dict(startup_reps=3, load_reps=1, warmup_s=0, duration_s=1, settle_s=0.2, quiet_wait_s=0,
                  peers=["hono-node", "nginx", "hono-sqlite"]),
}

# The store and stream scenarios (issues 10, 11) and the baseline comparison (issue 9): counts per mode.
SCENARIOS = {
    "full": dict(rounds=3, writers=4, probe_interval_ms=2, put_warmup=20, put_count=500, list_entries=10000,
                 list_reps=10, subscribers=100, changes=300, delay_changes=200, slow_changes=2000,
                 slow_rcvbuf=16384, idle_s=10, baseline_rounds=10),
    "quick": dict(rounds=1, writers=4, probe_interval_ms=2, put_warmup=2, put_count=20, list_entries=200,
                  list_reps=2, subscribers=10, changes=20, delay_changes=10, slow_changes=100,
                  slow_rcvbuf=16384, idle_s=1, baseline_rounds=1),
}

# Metrics each server must have after a run (the harness check of --quick). Ours may lack the settings routes or
# the stream while they are being built: those cells are n/a with a note, not a failure.
STORE_KEYS = [k for k, *_ in STORE_METRICS if k not in ("size_mb", "idle_wakeups")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="CI smoke run: every scenario briefly, results to a temp dir")
    ap.add_argument("--backend-bin", default=os.environ.get("BACKEND_BIN"),
                    help="our server binary (default: $BACKEND_BIN, else build/release/apps/backend/backend)")
    ap.add_argument("--baseline-bin", default=os.environ.get("BACKEND_BASELINE_BIN"),
                    help="our server built at b886f62 for the /health before/after table (default: "
                         "$BACKEND_BASELINE_BIN, else built from that commit under bench/.peers/; with --quick, "
                         "ours itself stands in, to exercise the scenario)")
    ap.add_argument("--peers", help=f"comma-separated subset of {','.join(ALL_PEERS)}")
    ap.add_argument("--scenarios", default="health,idle,store,stream,baseline",
                    help="comma-separated subset of health,idle,store,stream,baseline (default: all)")
    ap.add_argument("--out", help="results directory (default: bench/results, or a temp dir with --quick)")
    ap.add_argument("--startup-reps", type=int)
    ap.add_argument("--load-reps", type=int)
    ap.add_argument("--rounds", type=int, help="rounds of the store and stream scenarios")
    ap.add_argument("--duration", type=float, help="seconds per wrk run")
    ap.add_argument("--warmup", type=float, help="seconds of wrk warm-up before the measured runs")
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--rerender", action="store_true",
                    help="measure nothing: rewrite results.md, chart.png (and the README table) from results.json")
    ap.add_argument("--quiet-wait", type=float, help="total seconds the load rounds may wait for a quieter machine")
    ap.add_argument("--no-pin", action="store_true", help="do not pin the server to core 0 and the load to core 1")
    ap.add_argument("--nice", type=int, default=-10,
                    help="scheduling priority for the harness, the servers and wrk (default -10, when allowed): "
                         "other work on a shared machine then disturbs the measurements less; 0 leaves it")
    a = ap.parse_args()

    if a.rerender:
        return rerender(Path(a.out) if a.out else RESULTS_DIR)

    mode = "quick" if a.quick else "full"
    cfg = dict(MODES[mode])
    sc = dict(SCENARIOS[mode])
    if a.peers:
        cfg["peers"] = [p.strip() for p in a.peers.split(",") if p.strip()]
    for opt, key in [("startup_reps", "startup_reps"), ("load_reps", "load_reps"), ("duration", "duration_s"),
                     ("warmup", "warmup_s"), ("quiet_wait", "quiet_wait_s")]:
        if getattr(a, opt) is not None:
            cfg[key] = getattr(a, opt)
    if a.rounds is not None:
        sc["rounds"] = a.rounds
    cfg["duration_s"] = int(cfg["duration_s"]) if float(cfg["duration_s"]).is_integer() else cfg["duration_s"]
    wanted = [s.strip() for s in a.scenarios.split(",") if s.strip()]
    unknown = set(wanted) - {"health", "idle", "store", "stream", "baseline"}
    if unknown:
        die(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    pin = not a.no_pin and (os.cpu_count() or 1) >= 2
    autogroup_nice = set_priority(a.nice)
    nice = os.getpriority(os.PRIO_PROCESS, 0)
    cfg.update(mode=mode, pin=pin, connections=a.connections, nice=nice, scenarios=wanted)
    unknown = set(cfg["peers"]) - set(ALL_PEERS)
    if unknown:
        die(f"unknown peer(s): {', '.join(sorted(unknown))}")
    for tool in ["wrk"] + (["taskset"] if pin else []):
        if not shutil.which(tool):
            die(f"{tool} not found (scripts/install-deps.sh bench)")

    out_dir = Path(a.out) if a.out else (Path(tempfile.mkdtemp(prefix="bench-quick-")) if a.quick else RESULTS_DIR)
    out_dir.mkdir(parents=True, exist_ok=True)
    bin_path = a.backend_bin or str(Path(__file__).resolve().parent.parent / "build" / "release" / "apps" /
                                    "backend" / "backend")
    name = app_name()
    host = host_info()

    # Prepare (install and build) everything before measuring anything.
    prep = {"hono-node": prepare_hono_node, "hono-bun": prepare_hono_bun, "go": prepare_go, "nginx": prepare_nginx,
            "hono-sqlite": prepare_hono_sqlite}
    servers = {"ours": prepare_ours(bin_path)}
    for p in ALL_PEERS:
        if p in cfg["peers"]:
            servers[p] = prep[p]()
    if "baseline" in wanted:
        if a.baseline_bin or not a.quick:
            servers["baseline"] = prepare_baseline(a.baseline_bin)
        else:
            b = prepare_ours(bin_path)  # quick: ours stands in for b886f62 (no 2-minute build in CI)
            b.key, b.version = "baseline", f"{b.version} (--quick: ours stands in for b886f62)"
            servers["baseline"] = b
    keys = list(servers)
    wrk_ver = run(["wrk", "-v"], capture_output=True, text=True, check=False).stdout.split("\n")[0].split(" ")[1:2]

    tmp = Path(tempfile.mkdtemp(prefix="bench-run-"))
    ctx = Context(servers=servers, tmp=tmp, app=name, pin=pin, cfg=cfg, gate=QuietGate(cfg["quiet_wait_s"]),
                  raw={k: {} for k in keys})
    health_keys = [k for k in keys if k == "ours" or k in ISSUE6_PEERS]
    idle_keys = [k for k in keys if k != "baseline"]
    store_keys = [k for k in ("ours", "hono-sqlite") if k in keys]
    old_handlers = {sig: signal.signal(sig, _interrupted) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        if "health" in wanted:
            health.run(ctx, health_keys)
        if "idle" in wanted:
            idle.run(ctx, idle_keys, sc["idle_s"])
        if "store" in wanted and "hono-sqlite" in keys:
            store.run(ctx, store_keys, sc)
        if "stream" in wanted and "hono-sqlite" in keys:
            stream.run(ctx, store_keys, sc)
        if "baseline" in wanted:
            baseline.run(ctx, sc["baseline_rounds"])
    finally:
        kill_all_live()
        restore_autogroup(autogroup_nice)
        for sig, h in old_handlers.items():
            signal.signal(sig, h)
        host["loadavg_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        host["quiet_wait_s"] = round(ctx.gate.waited_s, 1)

    raw = ctx.raw
    medians = {}
    for k, s in servers.items():
        m = {mk: median(v) for mk, v in raw[k].items()
             if mk not in ("exit_status",) and not mk.startswith("wrk_")}
        m["size_mb"] = s.size_bytes / 1e6
        medians[k] = m
    ours_has_settings = ("store" in wanted and "hono-sqlite" in keys
                         and store.NOTE not in ctx.notes.get("ours", ""))
    res = dict(
        app=name, date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        config=cfg, scenario_config=sc, host=host, servers=keys,
        versions=dict({k: s.version for k, s in servers.items()}, wrk=wrk_ver[0] if wrk_ver else "?"),
        sizes={k: dict(bytes=s.size_bytes, what=s.size_note) for k, s in servers.items()},
        medians=medians, raw=raw, notes=ctx.notes, ours_has_settings=ours_has_settings,
    )
    res["ratios_ours_over_peer"] = {
        k: {m: ratio(medians["ours"].get(m), medians[k].get(m)) for m in medians[k]} for k in keys if k != "ours"}
    res["targets"] = targets(medians, ours_has_settings, sc["list_entries"])

    md = markdown(res)
    (out_dir / "results.md").write_text(md)
    (out_dir / "results.json").write_text(json.dumps(res, indent=1, default=str) + "\n")
    charted = chart(res, out_dir / "chart.png", tmp) if "health" in wanted else False
    if out_dir.resolve() == RESULTS_DIR.resolve():
        update_readme(md)
    shutil.rmtree(tmp, ignore_errors=True)
    print(md)
    print(f"results: {out_dir}/results.md, results.json" + (", chart.png" if charted else ""))

    problems = check(res, wanted, ctx)
    if not (out_dir / "results.md").stat().st_size:
        problems.append("results.md empty")
    for p in problems:
        print(f"bench: FAILED: {p}", file=sys.stderr)
    if a.quick:
        print(f"bench-quick: {0 if problems else 1} passed, {1 if problems else 0} failed")
    return 1 if problems else 0


def check(res: dict, wanted: list[str], ctx: Context) -> list[str]:
    """The harness check (what --quick is for in CI): every number was measured and parsed. Ours may lack the
    routes of issues 10 and 11 (n/a, noted); a peer may not, and no scenario may break on any server."""
    med, keys, raw = res["medians"], res["servers"], res["raw"]
    problems = list(ctx.failures)
    if "health" in wanted:
        for k in keys:
            if k == "hono-sqlite" or k == "baseline":
                continue
            for key, *_ in METRICS:
                if key == "idle_wakeups" or (key in ("port_line_ms", "first_start_port_line_ms") and k == "nginx"):
                    continue
                if med[k].get(key) is None:
                    problems.append(f"{k}: {key} missing")
        if med["ours"].get("rps_keepalive", 0) <= 0:
            problems.append("ours: no throughput")
        bad_exit = [rc for rc in raw["ours"].get("exit_status", []) if rc != 0]
        if bad_exit:
            problems.append(f"ours: SIGTERM exit status {bad_exit[:5]} (contract: graceful exit 0)")
    if "idle" in wanted:
        problems += [f"{k}: idle_wakeups missing" for k in keys if k != "baseline" and med[k].get("idle_wakeups") is None]
    store_wanted = [s for s in ("store", "stream") if s in wanted]
    if store_wanted and "hono-sqlite" in keys:
        for k in ("ours", "hono-sqlite"):
            for key in STORE_KEYS:
                scen = stream if key.startswith(("fanout", "delivery", "rss_")) else store
                if k == "ours" and scen.NOTE in ctx.notes.get("ours", ""):
                    continue  # the routes are not there yet: n/a, noted under the table
                if scen.__name__.split(".")[-1] in wanted and med[k].get(key) is None:
                    problems.append(f"{k}: {key} missing")
    if "baseline" in wanted:
        problems += [f"{k}: health_cpu_us missing" for k in ("ours", "baseline") if med[k].get("health_cpu_us") is None]
    return problems


def rerender(out_dir: Path) -> int:
    res = json.loads((out_dir / "results.json").read_text())
    res.setdefault("app", app_name())
    sc = res.get("scenario_config", {})
    res["targets"] = targets(res["medians"], res.get("ours_has_settings", False), sc.get("list_entries"))
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


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        kill_all_live()
        sys.exit(130)
    finally:
        kill_all_live()
