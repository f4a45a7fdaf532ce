#!/usr/bin/env python3
"""Soak and abuse run against the real backend binary (a script, not a timed test).

Drives, all at once on loopback: a million pipelined keep-alive requests over many connections, slow clients that
trickle bytes, clients sending garbage, and idle connections held open; meanwhile a monitor checks every 100 ms
that /health still answers on a fresh connection. Prints the errors, the RSS before and after (it must not grow),
and whether /health stayed responsive throughout. Exits non-zero if any of that failed.

  scripts/soak.py [--requests N] [--bin PATH]     (default: 1,000,000 requests, build/release binary)
"""
import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rss_kib(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def request(port, target="/health"):
    return f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()


async def read_responses(reader, count):
    """Reads `count` responses; returns how many had status 200."""
    ok = 0
    for _ in range(count):
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionError("closed mid-batch")
        length = 0
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        await reader.readexactly(length)
        ok += status_line.startswith(b"HTTP/1.1 200")
    return ok


class Soak:
    def __init__(self, port, total):
        self.port = port
        self.total = total
        self.done = 0
        self.errors = []
        self.health_failures = 0
        self.health_worst_ms = 0.0
        self.health_checks = 0
        self.running = True

    async def load(self, worker, batch=50):
        # Requests are recycled per connection before the server's 10,000 limit.
        while self.running and self.done < self.total:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                for _ in range(9_000 // batch):
                    if self.done >= self.total:
                        break
                    writer.write(request(self.port) * batch)
                    ok = await asyncio.wait_for(read_responses(reader, batch), 10)
                    if ok != batch:
                        self.errors.append(f"load {worker}: {batch - ok} non-200 answers")
                    self.done += batch
                writer.close()
            except Exception as error:  # noqa: BLE001 - every failure is reported
                self.errors.append(f"load {worker}: {error!r}")
                await asyncio.sleep(0.1)

    async def slow_client(self):
        while self.running:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                for byte in request(self.port):
                    writer.write(bytes([byte]))
                    await asyncio.sleep(1.0)
                    if not self.running or reader.at_eof():
                        break
                writer.close()
            except (ConnectionError, OSError):
                await asyncio.sleep(0.2)  # cut off by the server: the expected outcome

    async def garbage_client(self, seed):
        rng = random.Random(seed)
        while self.running:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.write(bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 3000))))
                await asyncio.wait_for(reader.read(), 3)
                writer.close()
            except (ConnectionError, OSError, asyncio.TimeoutError):
                pass
            await asyncio.sleep(0.01)

    async def idle_clients(self, count):
        held = []
        for _ in range(count):
            try:
                held.append(await asyncio.open_connection("127.0.0.1", self.port))
            except OSError as error:
                self.errors.append(f"idle: {error!r}")
        while self.running:
            await asyncio.sleep(0.5)
        for _, writer in held:
            writer.close()

    async def monitor(self):
        while self.running:
            started = time.perf_counter()
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.write(request(self.port))
                ok = await asyncio.wait_for(read_responses(reader, 1), 1.0)
                writer.close()
                if ok != 1:
                    self.health_failures += 1
            except Exception:  # noqa: BLE001
                self.health_failures += 1
            self.health_checks += 1
            self.health_worst_ms = max(self.health_worst_ms, (time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.1)

    async def run(self, workers=16):
        background = [asyncio.create_task(self.slow_client()) for _ in range(20)]
        background += [asyncio.create_task(self.garbage_client(seed)) for seed in range(4)]
        background += [asyncio.create_task(self.idle_clients(200)), asyncio.create_task(self.monitor())]
        await asyncio.gather(*(self.load(w) for w in range(workers)))
        self.running = False
        await asyncio.gather(*background, return_exceptions=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--bin", default=os.environ.get("BACKEND_BIN", os.path.join(ROOT, "build/release/apps/backend/backend")))
    args = parser.parse_args()
    if not os.path.exists(args.bin):
        subprocess.run(["cmake", "--preset", "release"], cwd=ROOT, check=True, stdout=sys.stderr)
        subprocess.run(["cmake", "--build", "--preset", "release"], cwd=ROOT, check=True, stdout=sys.stderr)

    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKEND_") and k != "PORT"}
    # The settings store goes to a temporary folder, never the real app data folder.
    data_dir = tempfile.TemporaryDirectory(prefix="aios-soak-")
    env["BACKEND_DATA_DIR"] = data_dir.name
    backend = subprocess.Popen([args.bin], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    try:
        line = backend.stdout.readline().decode()
        port = int(line.strip().split(":")[1])
        # Warm-up: the same run once, so "before" already holds the allocator's steady state for this mix; growth
        # in the second, identical run would be a leak.
        asyncio.run(Soak(port, args.requests).run())
        before = rss_kib(backend.pid)
        soak = Soak(port, args.requests)
        started = time.perf_counter()
        asyncio.run(soak.run())
        elapsed = time.perf_counter() - started
        time.sleep(1.0)
        after = rss_kib(backend.pid)
        peak = rss_kib(backend.pid, "VmHWM")
        alive = backend.poll() is None
        backend.stdin.write(b"shutdown\n")
        backend.stdin.flush()
        code = backend.wait(10)
    finally:
        if backend.poll() is None:
            backend.kill()

    growth = after - before
    print(f"requests answered : {soak.done:,} in {elapsed:.1f} s ({soak.done / elapsed:,.0f} req/s, with the abuse running)")
    print(f"errors            : {len(soak.errors)}")
    for error in soak.errors[:20]:
        print(f"  - {error}")
    print(f"RSS before / after: {before} KiB / {after} KiB (growth {growth} KiB, peak {peak} KiB)")
    print(f"/health monitor   : {soak.health_checks} checks, {soak.health_failures} failed, worst {soak.health_worst_ms:.1f} ms")
    print(f"server            : {'alive' if alive else 'DIED'} through the run; exit code {code} after 'shutdown'")
    failed = soak.errors or soak.health_failures or not alive or code != 0 or growth > 256
    print("soak: " + ("FAILED" if failed else "passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
