// The settings helpers against a fake fetch: key encoding, the requests they make (conditions, body, token), the
// answers they map (404, 412, errors), and syncSettings keeping a copy up to date through events and a resync.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  BackendError,
  PreconditionFailedError,
  createSettingsClient,
  encodeSettingKey,
  syncSettings,
  type JsonValue,
} from "../src/index.js";

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

function fakeFetch(answer: (request: Request) => Response | Promise<Response>) {
  const requests: Array<{ method: string; url: string; headers: Headers; body: string }> = [];
  const fetch = async (request: Request) => {
    requests.push({ method: request.method, url: request.url, headers: request.headers, body: await request.clone().text() });
    return answer(request);
  };
  return { fetch, requests };
}

describe("encodeSettingKey", () => {
  test("percent-encodes with encodeURIComponent: café/menu is caf%C3%A9%2Fmenu", () => {
    assert.equal(encodeSettingKey("café/menu"), "caf%C3%A9%2Fmenu");
    assert.equal(encodeSettingKey("a b?#%"), "a%20b%3F%23%25");
    assert.equal(encodeSettingKey("é".repeat(128)), "%C3%A9".repeat(128), "256 bytes of UTF-8 is the maximum");
  });
  for (const [name, key] of [["empty", ""], ["257 bytes", "x".repeat(257)], ["129 two-byte characters", "é".repeat(129)],
    ["a lone surrogate", "a\uD800"], ["the dot segment .", "."], ["the dot segment ..", ".."]] as const) {
    test(`refuses ${name}`, () => assert.throws(() => encodeSettingKey(key), RangeError));
  }
});

describe("createSettingsClient", () => {
  const entry = (key: string, value: JsonValue, revision: number) => ({ key, value, revision });

  test("put: PUT /settings/{key} with {value} as JSON and the token", async () => {
    const { fetch, requests } = fakeFetch(() => json(200, entry("café/menu", [1, "two"], 4), { ETag: '"4"' }));
    const settings = createSettingsClient({ port: 4321, token: "tok", fetch });
    assert.deepEqual(await settings.put("café/menu", [1, "two"]), entry("café/menu", [1, "two"], 4));
    const [req] = requests;
    assert.equal(req!.method, "PUT");
    assert.equal(req!.url, "http://127.0.0.1:4321/settings/caf%C3%A9%2Fmenu");
    assert.equal(req!.headers.get("content-type"), "application/json");
    assert.equal(req!.headers.get("authorization"), "Bearer tok");
    assert.equal(req!.headers.get("if-match"), null);
    assert.equal(req!.headers.get("if-none-match"), null);
    assert.deepEqual(JSON.parse(req!.body), { value: [1, "two"] });
  });

  test("put stores null and false as values", async () => {
    const { fetch, requests } = fakeFetch(() => json(200, entry("k", null, 1)));
    await createSettingsClient({ port: 1, fetch }).put("k", null);
    assert.equal(requests[0]!.body, '{"value":null}');
  });

  test("put with ifMatch sends If-Match: \"<revision>\"; with create, If-None-Match: *", async () => {
    const { fetch, requests } = fakeFetch(() => json(200, entry("k", 1, 9)));
    const settings = createSettingsClient({ port: 1, fetch });
    await settings.put("k", 1, { ifMatch: 8 });
    await settings.put("k", 1, { create: true });
    assert.equal(requests[0]!.headers.get("if-match"), '"8"');
    assert.equal(requests[1]!.headers.get("if-none-match"), "*");
    await assert.rejects(settings.put("k", 1, { ifMatch: 1, create: true }), TypeError);
    await assert.rejects(settings.put("k", 1, { ifMatch: -1 }), RangeError);
    assert.equal(requests.length, 2);
  });

  test("a 412 answer is a PreconditionFailedError (a BackendError) naming the key", async () => {
    const { fetch } = fakeFetch(() => json(412, { error: "precondition_failed", message: "revision is 9" }));
    const settings = createSettingsClient({ port: 1, fetch });
    await assert.rejects(settings.put("k", 1, { ifMatch: 3 }), (err: unknown) => {
      assert.ok(err instanceof PreconditionFailedError);
      assert.ok(err instanceof BackendError);
      assert.equal(err.status, 412);
      assert.equal(err.key, "k");
      assert.equal(err.name, "PreconditionFailedError");
      return true;
    });
  });

  test("get: the entry, or undefined on 404", async () => {
    const { fetch, requests } = fakeFetch((r) =>
      r.url.endsWith("/here") ? json(200, entry("here", { a: 1 }, 2)) : json(404, { error: "not_found", message: "no such key" }),
    );
    const settings = createSettingsClient({ port: 1, fetch });
    assert.deepEqual(await settings.get("here"), entry("here", { a: 1 }, 2));
    assert.equal(await settings.get("gone"), undefined);
    assert.equal(requests[0]!.method, "GET");
    assert.equal(requests[0]!.headers.get("content-type"), null, "no body, no Content-Type");
  });

  test("delete: true on 204, false on 404; clear: DELETE /settings", async () => {
    const { fetch, requests } = fakeFetch((r) =>
      r.url.endsWith("/here") || r.url.endsWith("/settings") ? new Response(null, { status: 204 }) : json(404, { error: "not_found", message: "x" }),
    );
    const settings = createSettingsClient({ port: 1, fetch });
    assert.equal(await settings.delete("here"), true);
    assert.equal(await settings.delete("gone"), false);
    await settings.clear();
    assert.deepEqual(requests.map((r) => `${r.method} ${new URL(r.url).pathname}`), ["DELETE /settings/here", "DELETE /settings/gone", "DELETE /settings"]);
  });

  test("list: GET /settings", async () => {
    const { fetch } = fakeFetch(() => json(200, { entries: { a: 1, b: [true] }, revision: 12 }));
    assert.deepEqual(await createSettingsClient({ port: 1, fetch }).list(), { entries: { a: 1, b: [true] }, revision: 12 });
  });

  test("other error answers are BackendErrors with the status and code", async () => {
    const { fetch } = fakeFetch(() => json(422, { error: "unprocessable_content", message: "/value missing" }));
    const settings = createSettingsClient({ port: 1, fetch });
    for (const call of [() => settings.put("k", 1), () => settings.get("k"), () => settings.list(), () => settings.delete("k"), () => settings.clear()]) {
      await assert.rejects(call(), (err: unknown) => err instanceof BackendError && !(err instanceof PreconditionFailedError) && err.status === 422);
    }
  });
});

describe("syncSettings", () => {
  test("loads GET /settings, follows the stream from its revision, and reloads on resync", async () => {
    let lists = 0;
    let push!: (text: string) => void;
    let eventRequest: Request | undefined;
    const { fetch } = fakeFetch((request) => {
      const path = new URL(request.url).pathname;
      if (path === "/settings") {
        lists++;
        return lists === 1 ? json(200, { entries: { a: 1, b: 2 }, revision: 5 }) : json(200, { entries: { z: 26 }, revision: 40 });
      }
      assert.equal(path, "/events");
      eventRequest = request;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          push = (text) => controller.enqueue(new TextEncoder().encode(text));
        },
      });
      return new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } });
    });
    const controller = new AbortController();
    const changes: string[] = [];
    let notify: () => void = () => {};
    const synced = syncSettings(createSettingsClient({ port: 1, fetch }), {
      signal: controller.signal,
      onChange: (_entries, cause) => {
        changes.push(cause.type === "loaded" ? `loaded@${cause.revision}` : `${cause.type}@${cause.id}`);
        notify();
      },
    });
    const changed = (n: number) =>
      changes.length >= n ? Promise.resolve() : new Promise<void>((resolve) => (notify = () => changes.length >= n && resolve()));

    await synced.ready;
    assert.deepEqual(Object.fromEntries(synced.entries), { a: 1, b: 2 });
    while (!eventRequest) await new Promise((r) => setTimeout(r, 1));
    assert.equal(eventRequest.headers.get("last-event-id"), "5", "the stream resumes from the snapshot's revision");

    push('event: settings.changed\nid: 4\ndata: {"key":"old","value":0,"revision":4}\n\n'); // already in the snapshot
    push('event: settings.changed\nid: 6\ndata: {"key":"c","value":{"x":1},"revision":6}\n\n');
    push('event: settings.deleted\nid: 7\ndata: {"key":"a","revision":7}\n\n');
    await changed(3);
    assert.deepEqual(Object.fromEntries(synced.entries), { b: 2, c: { x: 1 } });
    assert.equal(synced.revision, 7);

    push('event: resync\ndata: {"revision":40}\n\n');
    await changed(4);
    assert.deepEqual(Object.fromEntries(synced.entries), { z: 26 });
    push('event: settings.cleared\nid: 41\ndata: {"revision":41}\n\n');
    await changed(5);
    assert.deepEqual(changes, ["loaded@5", "settings.changed@6", "settings.deleted@7", "loaded@40", "settings.cleared@41"]);
    assert.equal(synced.entries.size, 0);
    controller.abort();
    await synced.subscription.closed;
  });
});
