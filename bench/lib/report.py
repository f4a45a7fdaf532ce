"""The results: the tables (markdown), the targets, the chart, and the README's copy of the tables."""

from __future__ import annotations

import shutil
import statistics
import subprocess
from pathlib import Path

from lib.common import BENCH_DIR, die, log


LABELS = {
    "ours": "ours (C++/Beast)",
    "hono-node": "Hono on Node",
    "hono-bun": "Hono, Bun-compiled",
    "go": "Go net/http",
    "nginx": "nginx (1 worker)",
    "hono-sqlite": "Hono + better-sqlite3 on Node",
    "baseline": "ours at b886f62",
}
SHORT = {"ours": "ours", "hono-node": "Hono/Node", "hono-bun": "Hono/Bun", "go": "Go", "nginx": "nginx",
         "hono-sqlite": "Hono+SQLite", "baseline": "b886f62"}

# key, label, unit, formatter, lower is better
METRICS = [
    ("size_mb", "Binary size", "MB", "{:.2f}", True),
    ("port_line_ms", "Spawn → port line", "ms", "{:.2f}", True),
    ("first_200_ms", "Spawn → first 200", "ms", "{:.2f}", True),
    ("first_start_port_line_ms", "Spawn → port line, empty data folder (1 spawn)", "ms", "{:.2f}", True),
    ("idle_rss_mb", "Idle RSS", "MB", "{:.2f}", True),
    ("peak_rss_mb", "Peak RSS (after load)", "MB", "{:.2f}", True),
    ("rps_keepalive", "Throughput, keep-alive", "req/s", "{:,.0f}", False),
    ("p99_keepalive_ms", "p99 latency, keep-alive", "ms", "{:.2f}", True),
    ("rps_close", "Throughput, Connection: close", "req/s", "{:,.0f}", False),
    ("p99_close_ms", "p99 latency, Connection: close", "ms", "{:.2f}", True),
    ("cpu_us_keepalive", "Server CPU per request, keep-alive", "µs", "{:.1f}", True),
    ("cpu_us_close", "Server CPU per request, Connection: close", "µs", "{:.1f}", True),
    ("sigterm_exit_ms", "SIGTERM → exit", "ms", "{:.2f}", True),
    ("idle_wakeups", "Idle wakeups, no connection open", "/s", "{:.1f}", True),
]

# Issues 10 and 11: ours against the peer that has the same routes. Labels take the run's counts.
STORE_METRICS = [
    ("size_mb", "Binary size", "MB", "{:.2f}", True),
    ("idle_wakeups", "Idle wakeups, no connection open", "/s", "{:.1f}", True),
    ("get_key_rps", "GET /settings/{{key}} throughput, keep-alive", "req/s", "{:,.0f}", False),
    ("get_key_p99_ms", "GET /settings/{{key}} p99, keep-alive", "ms", "{:.2f}", True),
    ("get_key_cpu_us", "Server CPU per GET /settings/{{key}}", "µs", "{:.1f}", True),
    ("writes_rps", "Writes/s, {writers} keep-alive writers", "PUT/s", "{:,.0f}", False),
    ("health_p99_writes_ms", "/health p99 while they write", "ms", "{:.2f}", True),
    ("put_p50_ms", "PUT latency p50, one writer", "ms", "{:.2f}", True),
    ("put_p99_ms", "PUT latency p99, one writer", "ms", "{:.2f}", True),
    ("list_ms", "GET /settings with {list_entries:,} entries", "ms", "{:.2f}", True),
    ("fanout_cpu_us", "Server CPU per delivered event ({subscribers} readers, {changes} changes)", "µs",
     "{:.2f}", True),
    ("delivery_p50_ms", "Delivery delay p50, PUT answer → last of {subscribers}", "ms", "{:.2f}", True),
    ("delivery_p99_ms", "Delivery delay p99, PUT answer → last of {subscribers}", "ms", "{:.2f}", True),
    ("rss_streams_mb", "RSS with {subscribers} idle streams", "MB", "{:.2f}", True),
    ("rss_slow_growth_mb", "RSS growth, 1 never-reading subscriber, {slow_changes:,} changes of 2 KB", "MB",
     "{:.2f}", True),
]

# Issue 9: /health on keep-alive, ours now against ours at the baseline commit, interleaved in one run.
BASELINE_METRICS = [
    ("health_cpu_us", "Server CPU per /health request, keep-alive", "µs", "{:.2f}", True),
    ("health_rps", "Throughput, keep-alive", "req/s", "{:,.0f}", False),
    ("size_mb", "Binary size", "MB", "{:.2f}", True),
]

HEALTH_SERVERS = ["ours", "hono-node", "hono-bun", "go", "nginx"]


def sections(res: dict) -> list[tuple[str, list[str], list]]:
    """(title, servers, metrics) of each table: the servers of a table are those that ran in it."""
    keys = res["servers"]
    sc = res.get("scenario_config", {})
    store = [(k, label.format(**sc) if sc else label.replace("{{", "{").replace("}}", "}"), *rest)
             for k, label, *rest in STORE_METRICS]
    out = [("/health and the process (issue 6, 11)", [k for k in keys if k in HEALTH_SERVERS], METRICS)]
    if "hono-sqlite" in keys:
        out.append(("Settings store and event stream (issues 10, 11)", ["ours", "hono-sqlite"], store))
    if "baseline" in keys:
        out.append(("/health before and after (issue 9)", ["ours", "baseline"], BASELINE_METRICS))
    return out


def fmt_ratio(r: float | None) -> str:
    if r is None:
        return "n/a"
    if r >= 100:
        return f"{r:.0f}×"
    if r >= 10:
        return f"{r:.1f}×"
    if r >= 0.1:
        return f"{r:.2f}×"
    if r <= 0:
        return "0×"  # ours is zero (idle wakeups): no fraction to show
    inv = 1 / r  # a small ratio reads better as a fraction: "1/68" is ours/peer = 0.0147
    return f"1/{inv:,.0f}"


def ratio(ours: float | None, peer: float | None) -> float | None:
    if ours is None or peer is None or peer == 0:
        return None
    return ours / peer


def targets(med: dict, ours_has_settings: bool = False, list_entries: int | None = None) -> list[dict]:
    o, n, b, x = med.get("ours", {}), med.get("hono-node", {}), med.get("hono-bun", {}), med.get("nginx", {})
    s, base = med.get("hono-sqlite", {}), med.get("baseline", {})

    def t(issue, name, value, ok_fn, shown):
        return dict(issue=issue, target=name, value=value, ok=None if value is None else bool(ok_fn(value)),
                    shown="n/a" if value is None else shown(value))

    inv = lambda a, c: None if (a is None or c is None or a == 0) else c / a  # noqa: E731
    both = lambda a, c: None if (a is None or c is None) else (a, c)  # noqa: E731
    times = lambda v: f"{v:.2f}× the peer's"  # noqa: E731
    size = o.get("size_mb")
    size_cap = 2.0 if ours_has_settings else 1.5
    return [
        t(6, "Startup (spawn → port line) ≥ 50× faster than Hono on Node", inv(o.get("port_line_ms"), n.get("port_line_ms")),
          lambda v: v >= 50, lambda v: f"{v:.0f}× faster" if v >= 10 else f"{v:.1f}× faster"),
        t(6, "Idle RSS ≤ 1/25 of Hono on Node's", ratio(o.get("idle_rss_mb"), n.get("idle_rss_mb")),
          lambda v: v <= 1 / 25, lambda v: f"1/{1 / v:.0f}" if v < 0.5 else f"{v:.2f}×"),
        t(6, "Throughput (keep-alive) ≥ nginx's (1 worker)", ratio(o.get("rps_keepalive"), x.get("rps_keepalive")),
          lambda v: v >= 1.0, lambda v: f"{v:.3f}× nginx"),
        t(6, "Throughput (keep-alive) ≥ 1.5× Bun's", ratio(o.get("rps_keepalive"), b.get("rps_keepalive")),
          lambda v: v >= 1.5, lambda v: f"{v:.3f}× Bun"),
        t(6, "p99 (keep-alive) < 2× nginx's", ratio(o.get("p99_keepalive_ms"), x.get("p99_keepalive_ms")),
          lambda v: v < 2.0, lambda v: f"{v:.3f}× nginx"),
        t(10 if ours_has_settings else 9, f"Shipped binary ≤ {size_cap:.1f} MB"
          + (" (with SQLite)" if ours_has_settings else " (before SQLite)"), size,
          lambda v: v <= size_cap, lambda v: f"{v:.2f} MB"),
        t(9, "/health CPU per request (keep-alive) within 5% of b886f62's (median of the rounds' ratios)",
          o.get("health_cpu_ratio", ratio(o.get("health_cpu_us"), base.get("health_cpu_us"))), lambda v: v <= 1.05,
          lambda v: f"{v:.3f}× b886f62 ({(v - 1) * 100:+.1f}%)"),
        t(10, "GET /settings/{key} throughput ≥ 3× the peer's", ratio(o.get("get_key_rps"), s.get("get_key_rps")),
          lambda v: v >= 3, times),
        t(10, "Writes/s with 4 writers ≥ 2× the peer's", ratio(o.get("writes_rps"), s.get("writes_rps")),
          lambda v: v >= 2, times),
        t(10, "/health p99 while writing ≤ 2 ms and ≤ 1/3 of the peer's",
          both(o.get("health_p99_writes_ms"), s.get("health_p99_writes_ms")),
          lambda v: v[0] <= 2.0 and v[0] <= v[1] / 3, lambda v: f"{v[0]:.2f} ms, {v[0] / v[1]:.2f}× the peer's"),
        t(10, "GET /settings with 10,000 entries ≤ 50 ms", o.get("list_ms") if list_entries == 10000
          else None, lambda v: v <= 50, lambda v: f"{v:.2f} ms"),
        t(11, "Server CPU per delivered event ≤ 1/3 of the peer's",
          ratio(o.get("fanout_cpu_us"), s.get("fanout_cpu_us")), lambda v: v <= 1 / 3, times),
        t(11, "Delivery delay p99 ≤ 2 ms", o.get("delivery_p99_ms"), lambda v: v <= 2.0, lambda v: f"{v:.2f} ms"),
        t(11, "RSS growth with a never-reading subscriber < 8 MB", o.get("rss_slow_growth_mb"), lambda v: v < 8,
          lambda v: f"{v:.2f} MB"),
        t(11, "No wakeups when idle (no connection open)", o.get("idle_wakeups"), lambda v: v == 0,
          lambda v: f"{v:.1f}/s"),
    ]


def table(res: dict, servers: list[str], metrics: list) -> list[str]:
    med = res["medians"]
    lines = []
    head = ["Metric"] + [LABELS[k] for k in servers]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for key, label, unit, f, _ in metrics:
        if all(med.get(k, {}).get(key) is None for k in servers):
            continue  # not measured in this run (a table from an older results.json)
        row = [f"{label} ({unit})"]
        ours = med.get("ours", {}).get(key)
        for k in servers:
            v = med.get(k, {}).get(key)
            cell = "n/a" if v is None else f.format(v)
            if k != "ours" and ratio(ours, v) is not None:
                cell += f" ({fmt_ratio(ratio(ours, v))})"
            row.append(cell)
        lines.append("| " + " | ".join(row) + " |")
    return lines


def markdown(res: dict) -> str:
    keys = res["servers"]
    cfg = res["config"]
    secs = sections(res)
    lines = []
    for i, (title, servers, metrics) in enumerate(secs):
        if len(secs) > 1:
            lines += [f"**{title}**", ""]
        lines += table(res, servers, metrics)
        if i == 0 and any(res["raw"].get(k, {}).get("exit_status") for k in servers):
            row = ["Exit on SIGTERM"]
            for k in servers:
                codes = sorted({c for c in res["raw"].get(k, {}).get("exit_status", [])},
                               key=lambda c: (c is None, c))
                row.append(", ".join("timeout" if c is None else (f"killed by signal {-c}" if c < 0 else f"status {c}")
                                     for c in codes) or "n/a")
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
    for k, why in sorted(res.get("notes", {}).items()):
        lines.append(f"n/a for {LABELS[k]}: {why}.")
    lines.append("Peer cells: median (ours/peer ratio; below 1× is better for ours except for throughput). "
                 "Server CPU per request: the server's user+system time during the wrk run over the requests "
                 "served, steadier than req/s when other work competes for the cores.")
    lines.append("")
    lines.append("| Target | Issue | Measured | Met |")
    lines.append("|---|---|---|---|")
    for t in res["targets"]:
        ok = "n/a" if t["ok"] is None else ("yes" if t["ok"] else "**no**")
        lines.append(f"| {t['target']} | {t.get('issue', 6)} | {t['shown']} | {ok} |")
    lines.append("")
    lines.append(
        f"Mode `{cfg['mode']}`, {res['date']}: {cfg['startup_reps']} spawns per server (startup, idle RSS, SIGTERM), "
        f"{cfg['load_reps']} wrk round(s) of {cfg['duration_s']} s per server and connection mode "
        f"(`wrk -t1 -c{cfg['connections']}`, {cfg['warmup_s']} s warm-up), "
        + ("server pinned to core 0 and wrk to core 1" if cfg["pin"] else "no CPU pinning")
        + f", nice {cfg['nice']}"
        + f"; {res['host']['cpus']} × {res['host']['cpu']}, Linux {res['host']['kernel']}, "
        f"load average {res['host']['loadavg_before']} before / {res['host']['loadavg_after']} after.")
    sc = res.get("scenario_config")
    if sc:
        lines.append(
            f"Store and stream: {sc['rounds']} round(s) per server, fresh spawns, interleaved; wrk runs of "
            f"{cfg['duration_s']} s; {sc['put_count']} single-writer PUTs; the fan-out CPU is the median of "
            f"{sc['rounds']} × (with − without subscribers); the never-reading subscriber's receive buffer is "
            f"{sc['slow_rcvbuf'] // 1024} KB; idle wakeups over {sc['idle_s']} s. /health before/after: "
            f"{sc['baseline_rounds']} interleaved wrk round(s) each.")
    others = [w["other_cpu_cores"] for k in keys for kind in ("wrk_keepalive", "wrk_close")
              for w in res["raw"].get(k, {}).get(kind, [])]
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
    servers = [k for k in res["servers"] if k in HEALTH_SERVERS]
    dat = tmp / "chart.dat"
    with open(dat, "w") as f:
        f.write("# server\t" + "\t".join(cols) + "\n")
        for k in servers:
            m = res["medians"].get(k, {})
            vals = ["?" if m.get(c) is None or m.get(c) <= 0 else f"{m[c]:.6g}" for c in cols]
            f.write(f'"{SHORT[k]}"\t' + "\t".join(vals) + "\n")
    script = tmp / "chart.gp"
    script.write_text(GNUPLOT.format(png=out_png, dat=dat, xmax=len(servers) - 0.4, app=res["app"], title=f"{res['config']['mode']} run, {res['date']}"))
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

