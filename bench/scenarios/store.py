"""Issue 10: the settings store, ours against Hono + better-sqlite3 on Node (the same routes).

Per round and server, on one fresh spawn (pinned: server on core 0; wrk and the harness's clients on core 1):
  * GET /settings/{key} on keep-alive with wrk (throughput, p99, server CPU per request);
  * writes/s with `writers` keep-alive writers (wrk, a Lua script PUTs to as many keys in turn), and meanwhile
    /health's latency from one paced keep-alive probe (one request every `probe_interval_ms`);
  * single-writer PUT latency, p50 and p99, one keep-alive connection, one PUT after the other;
  * in the first round only: GET /settings with `list_entries` entries (stored first by 4 pipelining writers).
A server without the routes (PUT /settings/{key} does not answer 200 with a revision) gets n/a."""

from __future__ import annotations

import json
import shutil
import threading
import time

from lib.common import Pinned, log, percentile
from lib.context import Context
from lib.httpc import Conn, HttpError, has_settings, put_body
from lib.servers import spawn, terminate
from lib.wrk import run_wrk

NOTE = "no settings routes (PUT /settings/{key} does not answer 200 with a revision)"

THEME = {"mode": "dark", "accent": "#3366ff", "fontSize": 14, "panels": ["files", "search"]}

WRITERS_LUA = """-- {writers} keep-alive writers (wrk -c{writers}): PUTs to {writers} keys in turn, each value different.
wrk.method = "PUT"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "/settings/writer-" .. (n % {writers}), nil,
                    '{{"value":{{"n":' .. n .. ',"note":"written by the bench"}}}}')
end
"""


def health_probe(port: int, stop: threading.Event, interval_s: float, out: list[float]) -> None:
    """GET /health on one keep-alive connection, one request every interval, latencies in ms into `out`."""
    c = Conn(port, timeout=10)
    try:
        nxt = time.perf_counter()
        while not stop.is_set():
            t0 = time.perf_counter()
            status, _, _ = c.request("GET", "/health")
            out.append((time.perf_counter() - t0) * 1e3)
            nxt += interval_s
            time.sleep(max(0.0, nxt - time.perf_counter()))
    except (OSError, HttpError):
        pass
    finally:
        c.close()


def populate(port: int, n: int, conns: int = 4, batch: int = 50) -> None:
    """Stores n entries `entry-<i>` from `conns` connections, each sending pipelined batches."""
    errors = []

    def writer(part: int) -> None:
        c = Conn(port, timeout=60)
        try:
            idx = list(range(part, n, conns))
            for i in range(0, len(idx), batch):
                reqs = [("PUT", f"/settings/entry-{j}", put_body({"i": j, "label": f"entry {j}", "on": j % 2 == 0}))
                        for j in idx[i:i + batch]]
                bad = [st for st, _, _ in c.pipelined(reqs) if st != 200]
                if bad:
                    errors.append(bad[0])
                    return
        except (OSError, HttpError) as e:
            errors.append(str(e))
        finally:
            c.close()

    threads = [threading.Thread(target=writer, args=(p,)) for p in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise HttpError(f"storing {n} entries failed: {errors[0]}")


def measure(ctx: Context, key: str, port: int, pid: int, sc: dict, first_round: bool) -> None:
    cfg = ctx.cfg
    c = Conn(port)
    try:
        status, _, _ = c.request("PUT", "/settings/theme", put_body(THEME))
        if status != 200:
            raise HttpError(f"PUT /settings/theme answered {status}")
    finally:
        c.close()

    # GET /settings/{key}, keep-alive.
    if cfg["warmup_s"]:
        run_wrk(port, pid, cfg["warmup_s"], False, ctx.pin, cfg["connections"], path="/settings/theme")
    g = run_wrk(port, pid, cfg["duration_s"], False, ctx.pin, cfg["connections"], path="/settings/theme")
    if g["non_2xx"] or g["socket_errors"]:
        log(f"warning: {key} GET /settings/theme: {g['non_2xx']} non-2xx, {g['socket_errors']} socket errors")
    ctx.add(key, "get_key_rps", g["rps"])
    ctx.add(key, "get_key_p99_ms", g["p99_ms"])
    ctx.add(key, "get_key_cpu_us", g["cpu_us_per_req"])
    ctx.add(key, "wrk_get_key", g)

    # Writers, and /health meanwhile.
    script = ctx.tmp / "writers.lua"
    script.write_text(WRITERS_LUA.format(writers=sc["writers"]))
    lat: list[float] = []
    stop = threading.Event()
    probe = threading.Thread(target=health_probe, args=(port, stop, sc["probe_interval_ms"] / 1e3, lat))
    probe.start()
    try:
        w = run_wrk(port, pid, cfg["duration_s"], False, ctx.pin, sc["writers"], path="/settings/w", script=script)
    finally:
        stop.set()
        probe.join()
    if w["non_2xx"] or w["socket_errors"]:
        log(f"warning: {key} writers: {w['non_2xx']} non-2xx, {w['socket_errors']} socket errors")
    ctx.add(key, "writes_rps", w["rps"] if not w["non_2xx"] else None)
    ctx.add(key, "health_p99_writes_ms", percentile(lat, 99))
    ctx.add(key, "health_probes_during_writes", len(lat))
    ctx.add(key, "wrk_writers", w)

    # One writer: PUT after PUT on one connection.
    c = Conn(port)
    times = []
    try:
        for i in range(sc["put_warmup"] + sc["put_count"]):
            t0 = time.perf_counter()
            status, _, _ = c.request("PUT", "/settings/single", put_body({"n": i, "note": "one writer"}))
            if status != 200:
                raise HttpError(f"PUT /settings/single answered {status}")
            if i >= sc["put_warmup"]:
                times.append((time.perf_counter() - t0) * 1e3)
    finally:
        c.close()
    ctx.add(key, "put_p50_ms", percentile(times, 50))
    ctx.add(key, "put_p99_ms", percentile(times, 99))

    # GET /settings with many entries (first round only: storing them is the slow part).
    if first_round:
        t0 = time.monotonic()
        populate(port, sc["list_entries"])
        log(f"{key}: stored {sc['list_entries']} entries in {time.monotonic() - t0:.1f} s")
        c = Conn(port, timeout=30)
        try:
            for i in range(1 + sc["list_reps"]):
                t0 = time.perf_counter()
                status, _, body = c.request("GET", "/settings")
                ms = (time.perf_counter() - t0) * 1e3
                if status != 200:
                    raise HttpError(f"GET /settings answered {status}")
                if i == 0:
                    n = len(json.loads(body)["entries"])
                    if n < sc["list_entries"]:
                        raise HttpError(f"GET /settings has {n} entries, {sc['list_entries']} stored")
                    ctx.add(key, "list_bytes", len(body))
                else:
                    ctx.add(key, "list_ms", ms)
        finally:
            c.close()


def run(ctx: Context, keys: list[str], sc: dict) -> None:
    missing: set[str] = set()
    for rep in range(sc["rounds"]):
        order = keys if rep % 2 == 0 else list(reversed(keys))
        for k in order:
            if k in missing:
                continue
            ctx.gate.wait()
            log(f"settings store, round {rep + 1}/{sc['rounds']}: {k}")
            r = spawn(ctx.servers[k], ctx.tmp, ctx.app, pin=ctx.pin)
            try:
                with Pinned(ctx.pin):
                    if not has_settings(r.port):
                        missing.add(k)
                        ctx.note(k, NOTE)
                        log(f"{k}: {NOTE}: n/a")
                        continue
                    measure(ctx, k, r.port, r.proc.pid, sc, first_round=rep == 0)
            except (OSError, HttpError, ValueError, KeyError) as e:
                missing.add(k)
                ctx.fail(k, f"settings store: {e}")
                log(f"{k}: settings store failed: {e}")
            finally:
                terminate(r)
                shutil.rmtree(r.workdir, ignore_errors=True)
