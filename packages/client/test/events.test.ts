// subscribe() against a tiny fake event-stream server (node:http): typed events, the headers it sends, reconnection
// with Last-Event-ID, the server's retry and the backoff with its cap, answers that stop it, and the AbortSignal.
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, test } from "node:test";
import { BackendError, subscribe, type ReconnectInfo, type SettingsEvent, type SubscribeOptions } from "../src/index.js";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** Answers connection n with handlers[n] (the last one repeats), and records each request's headers. */
class FakeEventServer {
  handlers: Handler[] = [];
  requests: http.IncomingHttpHeaders[] = [];
  /** Resolves the n-th (0-based) connection's close, so a test sees that an abort reached the server. */
  closedConnections: Array<Promise<void>> = [];
  port = 0;
  private server = http.createServer((req, res) => {
    const index = this.requests.length;
    this.requests.push(req.headers);
    this.closedConnections.push(new Promise((resolve) => res.on("close", () => resolve())));
    assert.equal(req.url, "/events");
    // No keep-alive: a pooled socket that the server closes between tests would fail the next test's first fetch.
    res.setHeader("Connection", "close");
    this.handlers[Math.min(index, this.handlers.length - 1)]!(req, res);
  });
  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }
  reset() {
    this.handlers = [];
    this.requests = [];
    this.closedConnections = [];
  }
  close() {
    this.server.closeAllConnections();
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const stream = (...parts: string[]): Handler => (_req, res) => {
  res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-store" });
  for (const part of parts) res.write(part);
};
const streamThenEnd = (...parts: string[]): Handler => (req, res) => {
  stream(...parts)(req, res);
  res.end();
};
const answer = (status: number, body?: unknown, type = "application/json"): Handler => (_req, res) => {
  res.writeHead(status, body === undefined ? {} : { "Content-Type": type }).end(body === undefined ? undefined : JSON.stringify(body));
};
const changed = (id: number, key = "k", value: unknown = id) =>
  `event: settings.changed\nid: ${id}\ndata: ${JSON.stringify({ key, value, revision: id })}\n\n`;

const server = new FakeEventServer();
before(() => server.start());
after(() => server.close());
beforeEach(() => server.reset());

/** Subscribes and collects; `until` resolves when `n` events have arrived. */
function collect(options: Partial<SubscribeOptions> = {}) {
  const controller = new AbortController();
  const events: SettingsEvent[] = [];
  const reconnects: ReconnectInfo[] = [];
  const errors: unknown[] = [];
  let opens = 0;
  const waiters: Array<() => void> = [];
  const poke = () => waiters.splice(0).forEach((w) => w());
  const sub = subscribe({
    port: server.port,
    signal: controller.signal,
    onEvent: (e) => (events.push(e), poke()),
    onReconnect: (info) => (reconnects.push(info), poke()),
    onError: (err) => (errors.push(err), poke()),
    onOpen: () => (opens++, poke()),
    ...options,
  });
  const until = async (predicate: () => boolean) => {
    while (!predicate()) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  return { sub, events, reconnects, errors, opens: () => opens, until, abort: () => controller.abort() };
}

describe("subscribe", { timeout: 20_000 }, () => {
  test("delivers typed events and skips comments and unknown event types; sends Accept and the token", async () => {
    server.handlers = [
      stream(
        ": ping\n\n",
        changed(5, "café/menu", { dark: true }),
        'event: settings.deleted\nid: 6\ndata: {"key":"a","revision":6}\n\n',
        "event: something.new\nid: 7\ndata: {}\n\n",
        'event: settings.cleared\nid: 8\ndata: {"revision":8}\n\n',
        'event: resync\ndata: {"revision":8}\n\n',
      ),
    ];
    const c = collect({ token: "tok-1" });
    await c.until(() => c.events.length === 4);
    assert.deepEqual(c.events, [
      { type: "settings.changed", id: "5", data: { key: "café/menu", value: { dark: true }, revision: 5 } },
      { type: "settings.deleted", id: "6", data: { key: "a", revision: 6 } },
      { type: "settings.cleared", id: "8", data: { revision: 8 } },
      { type: "resync", id: "8", data: { revision: 8 } },
    ]);
    const first = c.events[0]!;
    if (first.type === "settings.changed") assert.deepEqual(first.data.value, { dark: true }); // narrowed by type
    assert.equal(server.requests[0]!.authorization, "Bearer tok-1");
    assert.equal(server.requests[0]!.accept, "text/event-stream");
    assert.equal(server.requests[0]!["last-event-id"], undefined, "nothing to resume from at first");
    assert.equal(c.sub.lastEventId, "8");
    assert.equal(c.opens(), 1);
    c.abort();
    await c.sub.closed;
    await server.closedConnections[0];
  });

  test("reconnects when the stream ends, with Last-Event-ID and after the server's retry", async () => {
    server.handlers = [
      streamThenEnd("retry: 40\n\n", changed(5)),
      (req, res) => {
        stream(changed(Number(req.headers["last-event-id"]) + 1))(req, res);
      },
    ];
    const c = collect();
    await c.until(() => c.events.length === 2);
    assert.equal(server.requests[1]!["last-event-id"], "5");
    assert.deepEqual(c.events.map((e) => e.id), ["5", "6"]);
    assert.deepEqual(c.reconnects, [{ delayMs: 40, attempt: 1, error: undefined }]);
    assert.equal(c.opens(), 2);
    c.abort();
    await c.sub.closed;
  });

  test("an id on an event without data still moves Last-Event-ID; a given lastEventId is sent at first", async () => {
    server.handlers = [streamThenEnd("id: 9\n\n"), stream(changed(10))];
    const c = collect({ lastEventId: "3", retryMs: 1 });
    await c.until(() => c.events.length === 1);
    assert.equal(server.requests[0]!["last-event-id"], "3");
    assert.equal(server.requests[1]!["last-event-id"], "9");
    c.abort();
    await c.sub.closed;
  });

  test("backs off while attempts fail (503), doubling up to maxRetryMs, and starts over once connected", async () => {
    const busy = answer(503, { error: "service_unavailable", message: "busy" });
    server.handlers = [busy, busy, busy, busy, streamThenEnd(changed(1)), stream(changed(2))];
    const c = collect({ retryMs: 10, maxRetryMs: 50 });
    await c.until(() => c.events.length === 2);
    assert.deepEqual(c.reconnects.map((r) => [r.delayMs, r.attempt]), [[10, 1], [20, 2], [40, 3], [50, 4], [10, 1]]);
    for (const r of c.reconnects.slice(0, 4)) assert.ok(r.error instanceof BackendError && r.error.status === 503);
    assert.equal(c.reconnects[4]!.error, undefined, "the stream ended normally");
    c.abort();
    await c.sub.closed;
  });

  test("the server's retry is capped by maxRetryMs", async () => {
    server.handlers = [streamThenEnd("retry: 999999\n\n", changed(1)), stream(changed(2))];
    const c = collect({ maxRetryMs: 30 });
    await c.until(() => c.events.length === 2);
    assert.deepEqual(c.reconnects.map((r) => r.delayMs), [30]);
    c.abort();
    await c.sub.closed;
  });

  test("retries when nothing listens (a network error), and stops when aborted during the wait", async () => {
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const deadPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const c = collect({ port: deadPort, retryMs: 5, maxRetryMs: 20 });
    await c.until(() => c.reconnects.length === 4);
    assert.deepEqual(c.reconnects.map((r) => r.delayMs), [5, 10, 20, 20]);
    assert.ok(c.reconnects.every((r) => r.error instanceof TypeError), "fetch's network error");
    c.abort();
    await c.sub.closed;
  });

  test("an abort during a long wait ends it at once", async () => {
    server.handlers = [streamThenEnd("retry: 600000\n\n")];
    const c = collect({ maxRetryMs: 600_000 });
    await c.until(() => c.reconnects.length === 1);
    assert.equal(c.reconnects[0]!.delayMs, 600_000);
    c.abort();
    await c.sub.closed; // the suite's timeout fails the test if the wait is not cut short
    assert.equal(server.requests.length, 1);
  });

  for (const [status, code] of [[401, "unauthorized"], [403, "forbidden"], [404, "not_found"]] as const) {
    test(`a ${status} answer stops the subscription: closed rejects with a BackendError, no retry`, async () => {
      server.handlers = [answer(status, { error: code, message: "no" })];
      const c = collect({ retryMs: 1 });
      await assert.rejects(c.sub.closed, (err: unknown) => err instanceof BackendError && err.status === status && err.code === code);
      assert.equal(server.requests.length, 1);
      assert.deepEqual(c.reconnects, []);
    });
  }

  test("an answer that is not text/event-stream stops the subscription", async () => {
    server.handlers = [answer(200, { status: "ok" })];
    const c = collect({ retryMs: 1 });
    await assert.rejects(c.sub.closed, /not text\/event-stream/);
    assert.equal(server.requests.length, 1);
  });

  test("204 means no more events: closed resolves, no retry", async () => {
    server.handlers = [answer(204)];
    const c = collect({ retryMs: 1 });
    await c.sub.closed;
    assert.equal(server.requests.length, 1);
  });

  test("an event whose data is not what its type promises is reported, and the stream goes on", async () => {
    server.handlers = [stream("event: settings.changed\nid: 1\ndata: {not json\n\n", 'event: settings.deleted\nid: 2\ndata: {"key":1}\n\n', changed(3))];
    const c = collect();
    await c.until(() => c.events.length === 1);
    assert.equal(c.errors.length, 2);
    assert.match(String(c.errors[0]), /not JSON/);
    assert.match(String(c.errors[1]), /unexpected data/);
    assert.equal(c.events[0]!.id, "3");
    c.abort();
    await c.sub.closed;
  });

  test("an already aborted signal makes no request", async () => {
    server.handlers = [stream(changed(1))];
    const sub = subscribe({ port: server.port, signal: AbortSignal.abort(), onEvent: () => assert.fail("no event") });
    await sub.closed;
    assert.equal(server.requests.length, 0);
  });
});
