"""Issue 11: the event stream, ours against Hono + better-sqlite3 on Node (`streamSSE`, the same events).

Per round and server, on one fresh spawn (pinned: server on core 0, the harness's clients on core 1):
  * RSS with `subscribers` idle streams open;
  * fan-out cost: `changes` PUTs (one after the other) with those subscribers reading, then the same changes with
    none; the server's CPU time (/proc/<pid>/task/*/schedstat, ns) of the first minus the second, over the
    events delivered;
  * delivery delay: for each of `delay_changes` PUTs, from the moment its answer is read to the moment the last
    of the subscribers has read its event (an event read before the answer counts 0); p50 and p99;
  * one never-reading subscriber (receive buffer `slow_rcvbuf`, so that its stream backs up into the server at
    once) while `slow_changes` changes of 2 KB are made: the growth of the server's RSS (peak of samples taken
    every 50 changes and after, minus before).
Everything the harness reads is read in one thread with epoll (no GIL hand-offs between the writer and the
readers); a time is that of the epoll wakeup that reported the bytes. A server without GET /events
(200 text/event-stream) gets n/a."""

from __future__ import annotations

import json
import selectors
import shutil
import socket
import time

from lib.common import HOST, Pinned, log, percentile
from lib.context import Context
from lib.cpu import cpu_ns
from lib.httpc import Conn, HttpError, ResponseParser, Subscriber, has_events, put_body, request_bytes
from lib.servers import proc_status, spawn, terminate

NOTE = "no event stream (GET /events does not answer 200 text/event-stream)"


def open_subscribers(port: int, n: int, **kw) -> list[Subscriber]:
    subs = []
    for _ in range(n):
        s = Subscriber(port, **kw)
        if not s.connect():
            raise HttpError("GET /events refused a subscriber")
        subs.append(s)
    return subs


class Driver:
    """One writer connection and the subscribers, in one epoll loop."""

    def __init__(self, port: int, subs: list[Subscriber]):
        self.port = port
        self.subs = subs
        self.sel = selectors.DefaultSelector()
        for s in subs:
            self.sel.register(s.sock, selectors.EVENT_READ, s)
        self.w = socket.create_connection((HOST, port), timeout=5)
        self.w.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.w.setblocking(False)
        self.sel.register(self.w, selectors.EVENT_READ, None)
        self.parser = ResponseParser()
        self.answers: list[tuple[int, dict, bytes, int]] = []  # status, headers, body, ns of the read

    def close(self) -> None:
        self.sel.close()
        self.w.close()

    def poll(self, timeout: float) -> None:
        ready = self.sel.select(timeout)
        now = time.perf_counter_ns()
        for key, _ in ready:
            if key.data is None:
                try:
                    data = self.w.recv(1 << 16)
                except BlockingIOError:
                    continue
                if not data:
                    raise HttpError("the server closed the writer's connection")
                self.answers += [(*a, now) for a in self.parser.feed(data)]
            else:
                key.data.pump(now)
                if key.data.closed:
                    self.sel.unregister(key.data.sock)

    def put(self, path: str, body: bytes, timeout: float = 10.0) -> tuple[int, bytes, int]:
        """Sends a PUT and keeps reading everything until its answer is in: (status, body, ns of the read)."""
        self.w.sendall(request_bytes("PUT", path, self.port, body))
        deadline = time.monotonic() + timeout
        while not self.answers:
            if time.monotonic() > deadline:
                raise HttpError(f"no answer to PUT {path} within {timeout} s")
            self.poll(0.5)
        status, _, rbody, t = self.answers.pop(0)
        return status, rbody, t

    def until(self, done, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not done():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.poll(min(left, 0.5))
        return True


def change_body(i: int) -> bytes:
    return put_body({"i": i, "note": "a change for the subscribers"})


def make_changes(port: int, subs: list[Subscriber], n: int, timeout: float = 30.0) -> int:
    """n PUTs one after the other while the subscribers read; returns the events delivered to them."""
    before = sum(s.count for s in subs)
    d = Driver(port, subs)
    try:
        for i in range(n):
            status, _, _ = d.put(f"/settings/fan-{i % 10}", change_body(i))
            if status != 200:
                raise HttpError(f"PUT answered {status}")
        want = before + n * len(subs)
        if subs and not d.until(lambda: sum(s.count for s in subs) >= want, timeout):
            log(f"warning: {sum(s.count for s in subs) - before} of {n * len(subs)} events delivered")
    finally:
        d.close()
    return sum(s.count for s in subs) - before


def measure(ctx: Context, key: str, port: int, pid: int, sc: dict) -> None:
    nsub = sc["subscribers"]
    # Idle streams: their memory.
    subs = open_subscribers(port, nsub)
    try:
        time.sleep(0.5)
        for s in subs:
            s.pump(time.perf_counter_ns())
        ctx.add(key, "rss_streams_mb", proc_status(pid, "VmRSS") / 1e6)

        # Fan-out: CPU with the subscribers reading, then (below) the same changes with none.
        make_changes(port, subs, 5)  # warm-up (Node's JIT, first allocations)
        c0 = cpu_ns(pid)
        delivered = make_changes(port, subs, sc["changes"])
        cpu_with = cpu_ns(pid) - c0
    finally:
        for s in subs:
            s.close()
    time.sleep(0.3)  # the server notices the closed streams
    c0 = cpu_ns(pid)
    make_changes(port, [], sc["changes"])
    cpu_without = cpu_ns(pid) - c0
    ctx.add(key, "fanout_deliveries", delivered)
    ctx.add(key, "fanout_cpu_with_ms", cpu_with / 1e6)
    ctx.add(key, "fanout_cpu_without_ms", cpu_without / 1e6)
    ctx.add(key, "fanout_cpu_us", (cpu_with - cpu_without) / max(1, delivered) / 1e3 if delivered else None)

    # Delivery delay: one change at a time, each waited for by every subscriber.
    subs = open_subscribers(port, nsub)
    for s in subs:
        s.track_ids = True
    delays = []
    d = Driver(port, subs)
    try:
        for i in range(sc["delay_changes"]):
            status, body, t_answer = d.put(f"/settings/delay-{i % 10}", change_body(i))
            if status != 200:
                raise HttpError(f"PUT answered {status}")
            rev = str(json.loads(body)["revision"])
            if not d.until(lambda: all(rev in s.ids_at for s in subs), 5.0):
                log(f"warning: {key}: change {rev} did not reach every subscriber within 5 s")
                continue
            last = max(s.ids_at[rev] for s in subs)
            delays.append(max(0, last - t_answer) / 1e6)
            time.sleep(0.002)  # changes apart, so that each is delivered on its own
    finally:
        d.close()
        for s in subs:
            s.close()
    ctx.add(key, "delivery_p50_ms", percentile(delays, 50))
    ctx.add(key, "delivery_p99_ms", percentile(delays, 99))
    ctx.add(key, "delivery_samples", len(delays))

    # One subscriber that never reads, while big changes are made.
    time.sleep(0.3)
    slow = open_subscribers(port, 1, rcvbuf=sc["slow_rcvbuf"])[0]
    c = Conn(port)
    try:
        time.sleep(0.3)
        rss0 = proc_status(pid, "VmRSS")
        peak = rss0
        big = "x" * 2048
        for i in range(sc["slow_changes"]):
            status, _, _ = c.request("PUT", f"/settings/big-{i % 10}", put_body({"i": i, "blob": big}))
            if status != 200:
                raise HttpError(f"PUT answered {status}")
            if i % 50 == 49:
                peak = max(peak, proc_status(pid, "VmRSS"))
        time.sleep(0.3)
        peak = max(peak, proc_status(pid, "VmRSS"))
    finally:
        c.close()
        slow.close()
    ctx.add(key, "rss_slow_growth_mb", (peak - rss0) / 1e6)


def run(ctx: Context, keys: list[str], sc: dict) -> None:
    missing: set[str] = set()
    for rep in range(sc["rounds"]):
        order = keys if rep % 2 == 0 else list(reversed(keys))
        for k in order:
            if k in missing:
                continue
            ctx.gate.wait()
            log(f"event stream, round {rep + 1}/{sc['rounds']}: {k}")
            r = spawn(ctx.servers[k], ctx.tmp, ctx.app, pin=ctx.pin)
            try:
                with Pinned(ctx.pin):
                    if not has_events(r.port):
                        missing.add(k)
                        ctx.note(k, NOTE)
                        log(f"{k}: {NOTE}: n/a")
                        continue
                    measure(ctx, k, r.port, r.proc.pid, sc)
            except (OSError, HttpError, ValueError, KeyError) as e:
                missing.add(k)
                ctx.fail(k, f"event stream: {e}")
                log(f"{k}: event stream failed: {e}")
            finally:
                terminate(r)
                shutil.rmtree(r.workdir, ignore_errors=True)
