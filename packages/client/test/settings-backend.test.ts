// The settings helpers and the event subscription against the real backend binary (issues 10 and 11).
// They run once packages/shared/openapi.json (which the binary serves, see backend.test) has the routes:
// /settings and /settings/{key} for the store, /events for the stream. Until then each is skipped with a reason,
// and a TODO test says what is waiting.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  BackendError,
  PreconditionFailedError,
  createSettingsClient,
  subscribe,
  syncSettings,
  type JsonValue,
  type SettingsClient,
  type SettingsEvent,
} from "../src/index.js";
import { HAS_EVENTS, HAS_SETTINGS, eventsSkip, makeDataDir, randomToken, removeDataDir, settingsSkip, startBackend, type RunningBackend } from "./helpers.js";


test("the settings routes (issue 10) and GET /events (issue 11) are in openapi.json", {
  todo: HAS_SETTINGS && HAS_EVENTS ? false : `the tests of this file that need them are skipped until they are: settings ${HAS_SETTINGS}, events ${HAS_EVENTS}`,
}, () => {
  assert.ok(HAS_SETTINGS && HAS_EVENTS);
});

const VALUES: JsonValue[] = [null, false, true, 0, -1.5, 1e300, "", "naïve ☕ 🙂", [], {}, [1, [2, [3]]], { nested: { a: [null, { b: "c" }] } }];

/** Collects a subscription's events; `next(n)` resolves once n have arrived. */
function collector() {
  const events: SettingsEvent[] = [];
  let wake: () => void = () => {};
  return {
    events,
    onEvent(event: SettingsEvent) {
      events.push(event);
      wake();
    },
    async next(n: number) {
      while (events.length < n) await new Promise<void>((resolve) => (wake = resolve));
      return events.slice(0, n);
    },
  };
}

describe("settings on the real backend", { skip: settingsSkip }, () => {
  let backend: RunningBackend;
  let settings: SettingsClient;
  before(async () => {
    backend = await startBackend();
    settings = createSettingsClient({ port: backend.port });
  });
  after(() => backend?.stop("stdin"));

  test("put, get, list, delete and clear round trip; revisions only grow", async () => {
    const first = await settings.put("café/menu", { dark: true });
    assert.deepEqual(first.key, "café/menu");
    assert.deepEqual(first.value, { dark: true });
    assert.ok(Number.isInteger(first.revision) && first.revision > 0);
    assert.deepEqual(await settings.get("café/menu"), first);

    const second = await settings.put("other", [1, 2]);
    assert.ok(second.revision > first.revision);
    const listed = await settings.list();
    assert.deepEqual(listed.entries, { "café/menu": { dark: true }, other: [1, 2] });
    assert.ok(listed.revision >= second.revision);

    assert.equal(await settings.delete("other"), true);
    assert.equal(await settings.get("other"), undefined);
    assert.equal(await settings.delete("other"), false, "a second delete finds nothing (404)");
    await settings.clear();
    assert.deepEqual((await settings.list()).entries, {});
    assert.ok((await settings.list()).revision > second.revision, "a clear is a change");
  });

  test("every kind of JSON value comes back exactly as stored", async () => {
    for (const [i, value] of VALUES.entries()) {
      const stored = await settings.put(`value-${i}`, value);
      assert.deepEqual(stored.value, value);
      assert.deepEqual((await settings.get(`value-${i}`))?.value, value);
    }
  });

  test("the raw answer carries ETag: \"<revision>\", and the key travels percent-encoded", async () => {
    const stored = await settings.put("café/menu", "x");
    const res = await fetch(`http://127.0.0.1:${backend.port}/settings/caf%C3%A9%2Fmenu`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("etag"), `"${stored.revision}"`);
    assert.deepEqual(await res.json(), stored);
  });

  test("a stale If-Match is a PreconditionFailedError (412) and stores nothing; the current one succeeds", async () => {
    const a = await settings.put("cond", 1);
    const b = await settings.put("cond", 2, { ifMatch: a.revision });
    assert.ok(b.revision > a.revision);
    await assert.rejects(settings.put("cond", 3, { ifMatch: a.revision }), (err: unknown) => {
      assert.ok(err instanceof PreconditionFailedError, String(err));
      assert.equal(err.status, 412);
      assert.equal(err.key, "cond");
      return true;
    });
    assert.deepEqual(await settings.get("cond"), b, "the refused write stored nothing");
  });

  test("create (If-None-Match: *) succeeds once, then is a PreconditionFailedError", async () => {
    await settings.delete("once");
    const created = await settings.put("once", "first", { create: true });
    assert.equal(created.value, "first");
    await assert.rejects(settings.put("once", "second", { create: true }), PreconditionFailedError);
    assert.equal((await settings.get("once"))?.value, "first");
  });

  test("a key of 257 bytes is refused by the client; one of 256 is stored", async () => {
    const longest = "k".repeat(256);
    assert.equal((await settings.put(longest, 1)).key, longest);
    await assert.rejects(settings.put("k".repeat(257), 1), RangeError);
  });
});

describe("settings persist across a restart on the same BACKEND_DATA_DIR", { skip: settingsSkip }, () => {
  const dataDir = makeDataDir();
  after(() => removeDataDir(dataDir));

  test("a value and the revision survive a restart; the revision never goes back", async () => {
    const first = await startBackend({ BACKEND_DATA_DIR: dataDir });
    const stored = await createSettingsClient({ port: first.port }).put("theme", { name: "dusk" });
    assert.equal(await first.stop("stdin"), 0);
    const second = await startBackend({ BACKEND_DATA_DIR: dataDir });
    try {
      const settings = createSettingsClient({ port: second.port });
      assert.deepEqual(await settings.get("theme"), stored);
      assert.ok((await settings.put("theme", "x")).revision > stored.revision);
    } finally {
      assert.equal(await second.stop("stdin"), 0);
    }
  });
});

describe("settings with BACKEND_TOKEN", { skip: settingsSkip }, () => {
  const token = randomToken();
  let backend: RunningBackend;
  before(async () => (backend = await startBackend({ BACKEND_TOKEN: token })));
  after(() => backend?.stop());

  test("the token is sent; without it every call is a 401 BackendError", async () => {
    assert.equal((await createSettingsClient({ port: backend.port, token }).put("k", 1)).value, 1);
    const anonymous = createSettingsClient({ port: backend.port });
    await assert.rejects(anonymous.get("k"), (err: unknown) => err instanceof BackendError && err.status === 401);
    await assert.rejects(anonymous.put("k", 2), (err: unknown) => err instanceof BackendError && err.status === 401);
  });

  test("a subscription without the token stops with a 401", { skip: eventsSkip }, async () => {
    const sub = subscribe({ port: backend.port, onEvent: () => assert.fail("no event without the token") });
    await assert.rejects(sub.closed, (err: unknown) => err instanceof BackendError && err.status === 401);
  });
});

describe("GET /events on the real backend", { skip: eventsSkip, timeout: 30_000 }, () => {
  const token = randomToken();
  let backend: RunningBackend;
  let settings: SettingsClient;
  before(async () => {
    backend = await startBackend({ BACKEND_TOKEN: token });
    settings = createSettingsClient({ port: backend.port, token });
  });
  after(() => backend?.stop("stdin"));

  test("a subscriber sees settings.changed, settings.deleted and settings.cleared, with the revision as id", async () => {
    // Clearing an empty store changes nothing (no revision, no event): leave something for the clear to remove.
    await settings.put("kept-until-the-clear", 1);
    const controller = new AbortController();
    const seen = collector();
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const sub = settings.subscribe({ signal: controller.signal, onEvent: seen.onEvent, onOpen: () => opened() });
    await open;
    const put = await settings.put("café/menu", { dark: true });
    await settings.delete("café/menu");
    await settings.clear();
    const [changed, deleted, cleared] = await seen.next(3);
    assert.deepEqual(changed, { type: "settings.changed", id: String(put.revision), data: { key: "café/menu", value: { dark: true }, revision: put.revision } });
    assert.equal(deleted!.type, "settings.deleted");
    assert.equal(deleted!.data.key, "café/menu");
    assert.ok(deleted!.data.revision > put.revision, "every change has a greater revision");
    assert.equal(deleted!.id, String(deleted!.data.revision));
    assert.equal(cleared!.type, "settings.cleared");
    assert.ok(cleared!.data.revision > deleted!.data.revision);
    assert.equal(sub.lastEventId, cleared!.id);
    controller.abort();
    await sub.closed;
  });

  test("resuming with lastEventId replays the changes after it, in order", async () => {
    const base = await settings.put("r", 0);
    const later = [await settings.put("r", 1), await settings.put("s", 2)];
    const controller = new AbortController();
    const seen = collector();
    const sub = settings.subscribe({ lastEventId: String(base.revision), signal: controller.signal, onEvent: seen.onEvent });
    const replayed = await seen.next(2);
    assert.deepEqual(replayed.map((e) => e.id), later.map((e) => String(e.revision)));
    assert.deepEqual(replayed.map((e) => e.type), ["settings.changed", "settings.changed"]);
    controller.abort();
    await sub.closed;
  });

  test("an ID the server cannot replay from gets a resync event first", async () => {
    const controller = new AbortController();
    const seen = collector();
    const sub = settings.subscribe({ lastEventId: "not-a-revision", signal: controller.signal, onEvent: seen.onEvent });
    const [first] = await seen.next(1);
    assert.equal(first!.type, "resync");
    controller.abort();
    await sub.closed;
  });

  test("syncSettings keeps a copy up to date while another client writes", async () => {
    await settings.clear();
    await settings.put("a", 1);
    const controller = new AbortController();
    let wake: () => void = () => {};
    const synced = syncSettings(createSettingsClient({ port: backend.port, token }), { signal: controller.signal, onChange: () => wake() });
    await synced.ready;
    assert.deepEqual(Object.fromEntries(synced.entries), { a: 1 });
    await settings.put("b", { x: [1] });
    await settings.delete("a");
    const { revision } = await settings.list();
    while (synced.revision < revision) await new Promise<void>((resolve) => (wake = resolve));
    assert.deepEqual(Object.fromEntries(synced.entries), { b: { x: [1] } });
    controller.abort();
    await synced.subscription.closed;
  });
});
