#!/usr/bin/env python3
"""The host contract, checked against one shipped binary run under its emulator (qemu-user, wine, or none).

    contract_smoke.py [--emulator "qemu-aarch64-static -L /usr/aarch64-linux-gnu"] <binary>

Cases: the handshake line (exactly "BACKEND_PORT:<port>\\n", LF and no CR, nothing else on stdout), GET /health,
the stdin "shutdown" line (exit code 0), SIGINT (a console CTRL_C_EVENT under wine: exit code 0), and a bad
configuration (exit code 2). The end-to-end GoogleTest suite covers the contract in depth; this is the quick
check that runs without it. Prints "N passed, N failed"; exit code 1 if any case failed.
"""
import argparse
import http.client
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time

# One temporary data folder for every launch of this run (each launch ends before the next), removed at exit.
DATA_DIR = tempfile.TemporaryDirectory(prefix="aios-smoke-")
HANDSHAKE_TIMEOUT = 60.0  # wine's first start in a fresh prefix is slow
EXIT_TIMEOUT = 30.0


class Backend:
    def __init__(self, command, env_extra=None):
        env = dict(os.environ)
        env.pop("PORT", None)
        # The settings store goes to a temporary folder, never the real app data folder.
        env["BACKEND_DATA_DIR"] = DATA_DIR.name
        env.update(env_extra or {})
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env)
        self.stderr = bytearray()
        self.stdout = bytearray()
        self._threads = [threading.Thread(target=self._drain, args=(self.proc.stderr, self.stderr), daemon=True)]
        self._threads[0].start()

    @staticmethod
    def _drain(stream, sink):
        for chunk in iter(lambda: stream.read1(4096), b""):
            sink.extend(chunk)

    def read_handshake(self):
        """The first stdout line, as raw bytes, or None on timeout/EOF."""
        line = bytearray()
        result = {}

        def read():
            while True:
                b = self.proc.stdout.read(1)
                if not b:
                    break
                line.extend(b)
                if b == b"\n":
                    break
            result["done"] = True

        t = threading.Thread(target=read, daemon=True)
        t.start()
        t.join(HANDSHAKE_TIMEOUT)
        if "done" not in result:
            return None
        # The rest of stdout is collected for the "nothing else on stdout" check.
        rest = threading.Thread(target=self._drain, args=(self.proc.stdout, self.stdout), daemon=True)
        rest.start()
        self._threads.append(rest)
        return bytes(line)

    def wait(self, timeout=EXIT_TIMEOUT):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for t in self._threads:
            t.join(2)


def get_health(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/health")
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--emulator", default="", help="command prefix, space-separated")
    parser.add_argument("binary")
    args = parser.parse_args()
    command = shlex.split(args.emulator) + [args.binary]
    results = []

    def case(name, fn):
        started = time.monotonic()
        try:
            problem = fn()
        except Exception as e:  # a crash of the check is a failure of the case
            problem = f"{type(e).__name__}: {e}"
        took = time.monotonic() - started
        results.append(problem is None)
        print(f"{'ok  ' if problem is None else 'FAIL'} {name} ({took:.1f} s){'' if problem is None else ': ' + problem}",
              flush=True)

    def handshake_health_stdin_shutdown():
        backend = Backend(command)
        try:
            line = backend.read_handshake()
            if line is None:
                return f"no handshake line within {HANDSHAKE_TIMEOUT} s; stderr: {bytes(backend.stderr)[-500:]!r}"
            m = re.fullmatch(rb"BACKEND_PORT:([0-9]{1,5})\n", line)
            if not m:
                return f"handshake line is {line!r}, not b'BACKEND_PORT:<port>\\n' (LF only)"
            port = int(m.group(1))
            if not 0 < port < 65536:
                return f"port {port} out of range"
            status, body = get_health(port)
            if status != 200:
                return f"/health answered {status}"
            doc = json.loads(body)
            if doc.get("status") != "ok":
                return f"/health body {body!r} has no status ok"
            backend.proc.stdin.write(b"shutdown\n")
            backend.proc.stdin.flush()
            code = backend.wait()
            if code is None:
                return f"still running {EXIT_TIMEOUT} s after 'shutdown' on stdin"
            if code != 0:
                return f"exit code {code} after 'shutdown', not 0; stderr: {bytes(backend.stderr)[-500:]!r}"
            backend.kill()  # joins the readers
            if backend.stdout:
                return f"more than the handshake on stdout: {bytes(backend.stdout)[:200]!r}"
            return None
        finally:
            backend.kill()

    def sigint_graceful():
        backend = Backend(command)
        try:
            line = backend.read_handshake()
            if line is None or not line.startswith(b"BACKEND_PORT:"):
                return f"no handshake: {line!r}"
            backend.proc.send_signal(signal.SIGINT)
            code = backend.wait()
            if code is None:
                return f"still running {EXIT_TIMEOUT} s after SIGINT"
            if code != 0:
                return f"exit code {code} after SIGINT, not 0; stderr: {bytes(backend.stderr)[-500:]!r}"
            # Under wine the signal reaches the program as a console control event, through its handler.
            expected = b"shutdown: CTRL_C_EVENT" if args.binary.endswith(".exe") else b"shutdown: SIGINT"
            if expected not in bytes(backend.stderr):
                return f"no {expected!r} in the log: {bytes(backend.stderr)[-500:]!r}"
            return None
        finally:
            backend.kill()

    def bad_config_exit_code():
        backend = Backend(command, {"PORT": "not-a-port"})
        try:
            code = backend.wait()
            if code is None:
                return "still running with PORT=not-a-port"
            if code != 2:
                return f"exit code {code} with PORT=not-a-port, not 2"
            return None
        finally:
            backend.kill()

    print(f"binary: {' '.join(command)}", flush=True)
    case("handshake, GET /health, stdin 'shutdown', exit code 0", handshake_health_stdin_shutdown)
    case("SIGINT (wine: CTRL_C_EVENT): graceful, exit code 0", sigint_graceful)
    case("invalid configuration: exit code 2", bad_config_exit_code)
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
