"""A small HTTP/1.1 client over raw sockets for the scenarios wrk cannot run: keep-alive requests with bodies,
pipelined batches, and server-sent event streams read incrementally (chunked or not).

The harness measures servers, so the client is kept cheap and predictable: no threads, no library between the
socket and the bytes, one parser for every response."""

from __future__ import annotations

import json
import socket
import time

from lib.common import HOST


class HttpError(Exception):
    pass


class ResponseParser:
    """Incremental parser of HTTP/1.1 responses on one connection: feed() bytes, get the completed
    (status, headers, body) tuples. Bodies framed by Content-Length or chunked; 204/304 have none."""

    def __init__(self):
        self.buf = b""
        self.head: tuple[int, dict] | None = None
        self.body_left: int | None = None  # bytes of a Content-Length body still to come
        self.chunked = False
        self.chunks: list[bytes] = []

    def feed(self, data: bytes) -> list[tuple[int, dict, bytes]]:
        self.buf += data
        done = []
        while True:
            if self.head is None:
                i = self.buf.find(b"\r\n\r\n")
                if i < 0:
                    return done
                lines = self.buf[:i].decode("latin-1").split("\r\n")
                self.buf = self.buf[i + 4:]
                parts = lines[0].split(" ", 2)
                if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
                    raise HttpError(f"bad status line {lines[0]!r}")
                headers = {}
                for line in lines[1:]:
                    k, _, v = line.partition(":")
                    headers[k.strip().lower()] = v.strip()
                status = int(parts[1])
                self.head = (status, headers)
                self.chunked = "chunked" in headers.get("transfer-encoding", "").lower()
                self.chunks = []
                if status in (204, 304) or 100 <= status < 200:
                    self.body_left = 0
                elif not self.chunked:
                    self.body_left = int(headers.get("content-length", "0"))
            status, headers = self.head
            if self.chunked:
                while True:
                    j = self.buf.find(b"\r\n")
                    if j < 0:
                        return done
                    size = int(self.buf[:j].split(b";")[0], 16)
                    if len(self.buf) < j + 2 + size + 2:
                        return done
                    self.chunks.append(self.buf[j + 2:j + 2 + size])
                    self.buf = self.buf[j + 2 + size + 2:]
                    if size == 0:
                        break
                body = b"".join(self.chunks)
            else:
                if len(self.buf) < self.body_left:
                    return done
                body, self.buf = self.buf[:self.body_left], self.buf[self.body_left:]
            done.append((status, headers, body))
            self.head = None


def request_bytes(method: str, path: str, port: int, body: bytes | None = None,
                  headers: dict[str, str] | None = None) -> bytes:
    h = {"Host": f"{HOST}:{port}"}
    if body is not None:
        h["Content-Type"] = "application/json"
        h["Content-Length"] = str(len(body))
    elif method in ("PUT", "POST"):
        h["Content-Length"] = "0"
    h.update(headers or {})
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items()) + "\r\n"
    return head.encode() + (body or b"")


def put_body(value) -> bytes:
    return json.dumps({"value": value}, separators=(",", ":")).encode()


class Conn:
    """One keep-alive connection, blocking, with a deadline per call."""

    def __init__(self, port: int, timeout: float = 10.0):
        self.port = port
        self.sock = socket.create_connection((HOST, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.parser = ResponseParser()
        self.pending: list[tuple[int, dict, bytes]] = []

    def close(self) -> None:
        self.sock.close()

    def send(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> None:
        self.sock.sendall(request_bytes(method, path, self.port, body, headers))

    def read(self, n: int = 1) -> list[tuple[int, dict, bytes]]:
        """The next n responses."""
        while len(self.pending) < n:
            data = self.sock.recv(1 << 20)
            if not data:
                raise HttpError("connection closed by the server")
            self.pending += self.parser.feed(data)
        out, self.pending = self.pending[:n], self.pending[n:]
        return out

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, dict, bytes]:
        self.send(method, path, body, headers)
        return self.read(1)[0]

    def pipelined(self, reqs: list[tuple[str, str, bytes | None]]) -> list[tuple[int, dict, bytes]]:
        """Sends a batch of requests at once, then reads their answers (HTTP/1.1 pipelining)."""
        self.sock.sendall(b"".join(request_bytes(m, p, self.port, b) for m, p, b in reqs))
        return self.read(len(reqs))


class Subscriber:
    """One `GET /events` stream. connect() checks the answer's head; afterwards pump() reads what is there
    (the socket is non-blocking) and counts the events, with the time of the read that completed each."""

    def __init__(self, port: int, last_event_id: str | None = None, rcvbuf: int | None = None):
        self.port = port
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            # Before connect(), so that the advertised window stays small: the server's writes back up at once.
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.last_event_id = last_event_id
        self.chunked = False
        self.raw = b""  # undecoded transfer bytes
        self.text = b""  # decoded event-stream bytes not yet split into events
        self.events: list[tuple[str, str | None, int]] = []  # (event, id, ns of the read) when record=True
        self.count = 0  # settings.* events seen
        self.last_id: str | None = None
        self.ids_at: dict[str, int] = {}  # id -> perf_counter_ns of the read that completed it, when track_ids
        self.track_ids = False
        self.closed = False

    def connect(self, timeout: float = 5.0) -> bool:
        """False when the server has no event stream (the route answers something else than 200 event-stream)."""
        self.sock.settimeout(timeout)
        self.sock.connect((HOST, self.port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        extra = {"Accept": "text/event-stream"}
        if self.last_event_id is not None:
            extra["Last-Event-ID"] = self.last_event_id
        self.sock.sendall(request_bytes("GET", "/events", self.port, None, extra))
        buf = b""
        deadline = time.monotonic() + timeout
        while b"\r\n\r\n" not in buf:
            if time.monotonic() > deadline:
                raise HttpError("no answer head on /events")
            data = self.sock.recv(65536)
            if not data:
                return False
            buf += data
        head, _, rest = buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
        if status != 200 or not headers.get("content-type", "").startswith("text/event-stream"):
            return False
        self.chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        self.sock.setblocking(False)
        self._take(rest, time.perf_counter_ns())
        return True

    def fileno(self) -> int:
        return self.sock.fileno()

    def close(self) -> None:
        self.sock.close()

    def pump(self, now_ns: int) -> int:
        """Reads everything available; returns the bytes read (0 when nothing was there or the stream ended)."""
        total = 0
        while True:
            try:
                data = self.sock.recv(1 << 18)
            except (BlockingIOError, InterruptedError):
                return total
            if not data:
                self.closed = True
                return total
            total += len(data)
            self._take(data, now_ns)

    def _take(self, data: bytes, now_ns: int) -> None:
        if self.chunked:
            self.raw += data
            out = []
            while True:
                j = self.raw.find(b"\r\n")
                if j < 0:
                    break
                size = int(self.raw[:j].split(b";")[0] or b"0", 16)
                if len(self.raw) < j + 2 + size + 2:
                    break
                out.append(self.raw[j + 2:j + 2 + size])
                self.raw = self.raw[j + 2 + size + 2:]
                if size == 0:
                    self.closed = True
                    break
            data = b"".join(out)
        self.text += data.replace(b"\r\n", b"\n")
        while True:
            i = self.text.find(b"\n\n")
            if i < 0:
                return
            block, self.text = self.text[:i], self.text[i + 2:]
            event, eid = None, None
            for line in block.split(b"\n"):
                if line.startswith(b"event:"):
                    event = line[6:].strip().decode()
                elif line.startswith(b"id:"):
                    eid = line[3:].strip().decode()
            if event is None:
                continue  # retry:, a comment, or data without a name
            if event.startswith("settings."):
                self.count += 1
            if eid is not None:
                self.last_id = eid
                if self.track_ids:
                    self.ids_at[eid] = now_ns
            self.events.append((event, eid, now_ns))


def has_settings(port: int) -> bool:
    """Whether the server has issue 10's settings routes: a PUT answers 200 with the entry's revision."""
    try:
        c = Conn(port, timeout=5)
        try:
            status, _, body = c.request("PUT", "/settings/bench-probe", put_body(True))
        finally:
            c.close()
        return status == 200 and isinstance(json.loads(body).get("revision"), int)
    except (OSError, ValueError, HttpError, AttributeError):
        return False


def has_events(port: int) -> bool:
    s = Subscriber(port)
    try:
        return s.connect()
    except (OSError, HttpError, ValueError, IndexError):
        return False
    finally:
        s.close()
