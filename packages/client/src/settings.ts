// The settings store (issue 10) and its event stream (issue 11), over fetch:
//   GET /settings                -> {entries, revision}
//   GET /settings/{key}          -> {key, value, revision} with ETag: "<revision>", 404 if absent
//   PUT /settings/{key} {value}  -> {key, value, revision}; If-Match: "<revision>" or If-None-Match: * -> 412
//   DELETE /settings/{key}       -> 204, 404 if absent
//   DELETE /settings             -> 204
//   GET /events                  -> text/event-stream: settings.changed, settings.deleted, settings.cleared, resync
// Conditional requests and the stream need headers and streaming that the generated openapi-fetch calls do not
// model, so these helpers build the requests themselves, with the same base URL and token as createBackendClient.
import { EventStreamParser } from "./event-stream.js";
import { BackendError, backendBaseUrl, type BackendClientOptions } from "./core.js";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One stored setting: GET/PUT /settings/{key}. `revision` is the store's revision of its last change (its ETag). */
export interface SettingEntry<T extends JsonValue = JsonValue> {
  key: string;
  value: T;
  revision: number;
}

/** GET /settings: every entry, and the store's revision at that moment. */
export interface SettingsSnapshot {
  entries: Record<string, JsonValue>;
  revision: number;
}

/** A conditional PUT whose condition did not hold (412): another change came first, or the key exists. */
export class PreconditionFailedError extends BackendError {
  readonly key: string;
  constructor(key: string, body: unknown) {
    super(412, body);
    this.name = "PreconditionFailedError";
    this.key = key;
  }
}

export interface PutOptions {
  /** Store only if the entry's revision is still this one (`If-Match: "<revision>"`), e.g. the revision you read. */
  ifMatch?: number;
  /** Store only if the key does not exist yet (`If-None-Match: *`). */
  create?: boolean;
  signal?: AbortSignal;
}

/**
 * The path segment of a key: `encodeURIComponent`, so `café/menu` travels as `caf%C3%A9%2Fmenu`. Keys are 1 to 256
 * bytes of UTF-8; a string with a lone surrogate is not UTF-8. "." and ".." cannot travel in a URL path at all (URL
 * parsers remove them, also when percent-encoded), so they are refused here rather than sent to another route.
 */
export function encodeSettingKey(key: string): string {
  if (typeof key !== "string" || key.length === 0) throw new RangeError("a setting key is 1 to 256 bytes of UTF-8");
  let encoded: string;
  try {
    encoded = encodeURIComponent(key);
  } catch {
    throw new RangeError("a setting key must be valid UTF-8 (it holds a lone surrogate)");
  }
  if (new TextEncoder().encode(key).length > 256) throw new RangeError("a setting key is at most 256 bytes of UTF-8");
  if (key === "." || key === "..") throw new RangeError(`the key "${key}" cannot be sent in a URL path`);
  return encoded;
}

//---------------------------------------------------------------------------------------------------------------
// Events

export interface SettingChanged {
  key: string;
  value: JsonValue;
  revision: number;
}
export interface SettingDeleted {
  key: string;
  revision: number;
}
export interface SettingsCleared {
  revision: number;
}

/** An event of GET /events, typed by its name. `id` is the change's revision as the stream sent it. */
export type SettingsEvent =
  | { type: "settings.changed"; id: string; data: SettingChanged }
  | { type: "settings.deleted"; id: string; data: SettingDeleted }
  | { type: "settings.cleared"; id: string; data: SettingsCleared }
  /** The server cannot replay from the Last-Event-ID sent: refetch GET /settings (syncSettings does). */
  | { type: "resync"; id: string; data: unknown };

const EVENT_TYPES = new Set(["settings.changed", "settings.deleted", "settings.cleared", "resync"]);

export interface ReconnectInfo {
  /** How long the subscriber waits before the next attempt. */
  delayMs: number;
  /** 1 for the first retry after a connection that worked, growing while attempts fail. */
  attempt: number;
  /** Why: the error or answer that ended the last attempt (undefined when the stream simply ended). */
  error?: unknown;
}

export interface SubscribeOptions extends BackendClientOptions {
  onEvent(event: SettingsEvent): void;
  /** The stream is open (200 text/event-stream): at first, and after each reconnection. */
  onOpen?(): void;
  /** A connection ended or failed and the subscriber will try again after `delayMs`. */
  onReconnect?(info: ReconnectInfo): void;
  /** An event that could not be read (its data is not the JSON its type promises); the stream goes on. */
  onError?(error: unknown): void;
  /** Resume after this event ID (a revision), as a reconnection does with `Last-Event-ID`. */
  lastEventId?: string;
  /** Stops the subscription: the request is aborted, and `closed` resolves. */
  signal?: AbortSignal;
  /** The first reconnection delay when the server sent no `retry:` (default 1000 ms). */
  retryMs?: number;
  /** The cap of the delay, which doubles after each failed attempt, and of the server's `retry:` (default 30 s). */
  maxRetryMs?: number;
}

export interface Subscription {
  /** The ID a reconnection sends as Last-Event-ID: the revision of the last change seen. */
  readonly lastEventId: string;
  /**
   * Resolves when the signal stops the subscription or the server answers 204 (no more events); rejects with a
   * BackendError on an answer that retrying cannot fix (401, 403, 404, or not an event stream).
   */
  readonly closed: Promise<void>;
}

/**
 * Subscribes to GET /events with fetch (EventSource cannot send Authorization), typed per event. It reconnects by
 * itself after the stream ends or fails, sending `Last-Event-ID` so the server replays what was missed, waiting the
 * server's `retry:` (capped) and doubling the wait while attempts fail.
 */
export function subscribe(options: SubscribeOptions): Subscription {
  const { port, token, signal, retryMs = 1000, maxRetryMs = 30_000 } = options;
  const url = `${backendBaseUrl(port)}/events`;
  const fetchImpl = options.fetch ?? ((request: Request) => fetch(request));
  let lastEventId = options.lastEventId ?? "";
  let baseDelay = Math.min(retryMs, maxRetryMs);

  const run = async (): Promise<void> => {
    let failures = 0;
    for (;;) {
      if (signal?.aborted) return;
      let error: unknown;
      try {
        const opened = await connect();
        if (opened === "stop" || signal?.aborted) return;
        failures = 0; // it was open: the next wait is the base one
      } catch (err) {
        if (signal?.aborted) return;
        if (err instanceof FatalAnswer) throw err.error;
        error = err;
        failures++;
      }
      const delayMs = Math.min(baseDelay * 2 ** Math.max(0, failures - 1), maxRetryMs);
      options.onReconnect?.({ delayMs, attempt: Math.max(1, failures), error });
      if (!(await sleep(delayMs, signal))) return;
    }
  };

  /** One connection: resolves when the stream ends ("ended") or must not be retried ("stop"). */
  const connect = async (): Promise<"ended" | "stop"> => {
    const headers: Record<string, string> = { Accept: "text/event-stream" };
    if (token !== undefined) headers.Authorization = `Bearer ${token}`;
    if (lastEventId !== "") headers["Last-Event-ID"] = lastEventId;
    const request = new Request(url, { headers, cache: "no-store", ...(signal ? { signal } : {}) });
    const response = await fetchImpl(request);
    if (response.status === 204) return "stop";
    if (response.status !== 200) {
      const body = await response.json().catch(() => undefined);
      const failure = new BackendError(response.status, body);
      // 5xx (e.g. 503 at the connection limit) and 429 may pass; other answers will not change by retrying.
      if (response.status >= 500 || response.status === 429) throw failure;
      throw new FatalAnswer(failure);
    }
    const type = response.headers.get("content-type") ?? "";
    if (!/^text\/event-stream\s*(;|$)/i.test(type) || !response.body) {
      await response.body?.cancel().catch(() => {});
      throw new FatalAnswer(new BackendError(response.status, { error: "bad_request", message: `GET /events answered ${type || "no Content-Type"}, not text/event-stream` }));
    }
    options.onOpen?.();
    const parser = new EventStreamParser(
      {
        onEvent: (event) => {
          lastEventId = event.lastEventId;
          if (!EVENT_TYPES.has(event.type)) return; // an event this client does not know: skipped
          let data: unknown;
          try {
            data = event.data === "" ? undefined : JSON.parse(event.data);
          } catch (err) {
            options.onError?.(new Error(`event ${event.type} (id ${event.lastEventId}): data is not JSON`, { cause: err }));
            return;
          }
          if (event.type !== "resync" && !isEventData(event.type, data)) {
            options.onError?.(new Error(`event ${event.type} (id ${event.lastEventId}): unexpected data ${event.data.slice(0, 200)}`));
            return;
          }
          options.onEvent({ type: event.type, id: event.lastEventId, data } as SettingsEvent);
        },
        onRetry: (ms) => (baseDelay = Math.min(ms, maxRetryMs)),
      },
      lastEventId,
    );
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    // fetch ends the body on abort; a fetch passed in options might not, so the reader is cancelled here too.
    const onAbort = () => void reader.cancel(signal?.reason).catch(() => {});
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.push(value);
        lastEventId = parser.lastEventId; // an `id:` on an event without data counts too
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      reader.releaseLock();
    }
    parser.end();
    return "ended";
  };

  const closed = run();
  closed.catch(() => {}); // a caller that never looks at `closed` gets no unhandled rejection
  return {
    get lastEventId() {
      return lastEventId;
    },
    closed,
  };
}

class FatalAnswer extends Error {
  constructor(readonly error: BackendError) {
    super(error.message);
  }
}

function isEventData(type: string, data: unknown): boolean {
  if (typeof data !== "object" || data === null) return false;
  const d = data as Record<string, unknown>;
  if (!Number.isInteger(d.revision)) return false;
  if (type === "settings.changed") return typeof d.key === "string" && "value" in d;
  if (type === "settings.deleted") return typeof d.key === "string";
  return true;
}

/** Waits `ms`; resolves false at once if the signal aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

//---------------------------------------------------------------------------------------------------------------
// The settings calls

export interface SettingsClient {
  /** GET /settings. */
  list(options?: { signal?: AbortSignal }): Promise<SettingsSnapshot>;
  /** GET /settings/{key}; undefined when the key is absent (404). */
  get<T extends JsonValue = JsonValue>(key: string, options?: { signal?: AbortSignal }): Promise<SettingEntry<T> | undefined>;
  /** PUT /settings/{key}; a failed `ifMatch` or `create` condition throws PreconditionFailedError. */
  put<T extends JsonValue>(key: string, value: T, options?: PutOptions): Promise<SettingEntry<T>>;
  /** DELETE /settings/{key}; false when the key was absent (404). */
  delete(key: string, options?: { signal?: AbortSignal }): Promise<boolean>;
  /** DELETE /settings: removes every entry. */
  clear(options?: { signal?: AbortSignal }): Promise<void>;
  /** GET /events, with this client's port and token. */
  subscribe(options: Omit<SubscribeOptions, keyof BackendClientOptions>): Subscription;
}

/** Settings calls for the sidecar at http://127.0.0.1:<port>, with the same options as createBackendClient. */
export function createSettingsClient(options: BackendClientOptions): SettingsClient {
  const base = backendBaseUrl(options.port);
  const { token } = options;
  if (token !== undefined && (token === "" || /\s/.test(token))) {
    throw new TypeError("token must be a non-empty string without whitespace");
  }
  const fetchImpl = options.fetch ?? ((request: Request) => fetch(request));

  const call = async (method: string, path: string, init: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (token !== undefined) headers.Authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(init.body);
    }
    const response = await fetchImpl(
      new Request(`${base}${path}`, { method, headers, cache: "no-store", ...(body === undefined ? {} : { body }), ...(init.signal ? { signal: init.signal } : {}) }),
    );
    const parsed: unknown = response.status === 204 ? undefined : await response.json().catch(() => undefined);
    return { status: response.status, body: parsed };
  };
  const entryPath = (key: string) => `/settings/${encodeSettingKey(key)}`;

  return {
    async list(opts = {}) {
      const { status, body } = await call("GET", "/settings", opts);
      if (status !== 200) throw new BackendError(status, body);
      return body as SettingsSnapshot;
    },
    async get<T extends JsonValue = JsonValue>(key: string, opts: { signal?: AbortSignal } = {}) {
      const { status, body } = await call("GET", entryPath(key), opts);
      if (status === 404) return undefined;
      if (status !== 200) throw new BackendError(status, body);
      return body as SettingEntry<T>;
    },
    async put<T extends JsonValue>(key: string, value: T, opts: PutOptions = {}) {
      if (opts.ifMatch !== undefined && opts.create) throw new TypeError("ifMatch and create exclude each other");
      if (opts.ifMatch !== undefined && !(Number.isInteger(opts.ifMatch) && opts.ifMatch >= 0)) {
        throw new RangeError("ifMatch is a revision: a non-negative integer");
      }
      const headers: Record<string, string> = {};
      if (opts.ifMatch !== undefined) headers["If-Match"] = `"${opts.ifMatch}"`;
      if (opts.create) headers["If-None-Match"] = "*";
      const { status, body } = await call("PUT", entryPath(key), { body: { value }, headers, ...(opts.signal ? { signal: opts.signal } : {}) });
      if (status === 412) throw new PreconditionFailedError(key, body);
      if (status !== 200) throw new BackendError(status, body);
      return body as SettingEntry<T>;
    },
    async delete(key, opts = {}) {
      const { status, body } = await call("DELETE", entryPath(key), opts);
      if (status === 404) return false;
      if (status !== 204) throw new BackendError(status, body);
      return true;
    },
    async clear(opts = {}) {
      const { status, body } = await call("DELETE", "/settings", opts);
      if (status !== 204) throw new BackendError(status, body);
    },
    subscribe(subscribeOptions) {
      return subscribe({ ...subscribeOptions, ...options });
    },
  };
}

//---------------------------------------------------------------------------------------------------------------
// A live copy of the store

export interface SyncedSettings {
  /** The entries as of `revision`. */
  readonly entries: ReadonlyMap<string, JsonValue>;
  /** The revision of the last change applied. */
  readonly revision: number;
  /** Resolves once the first GET /settings has been applied. */
  readonly ready: Promise<void>;
  readonly subscription: Subscription;
}

export interface SyncOptions {
  /** Called after each applied change, and after each full (re)load, with the entries and what changed. */
  onChange?(entries: ReadonlyMap<string, JsonValue>, cause: SettingsEvent | { type: "loaded"; revision: number }): void;
  onError?(error: unknown): void;
  signal?: AbortSignal;
  retryMs?: number;
  maxRetryMs?: number;
}

/**
 * Keeps a copy of every setting up to date, as tauri-plugin-store's onChange does: GET /settings, then the event
 * stream from that revision on (Last-Event-ID = the snapshot's revision, so nothing between the two is missed), and
 * GET /settings again whenever the server asks for a resync.
 */
export function syncSettings(client: SettingsClient, options: SyncOptions = {}): SyncedSettings {
  const entries = new Map<string, JsonValue>();
  let revision = -1;
  let loading: Promise<void> | undefined;
  const queued: SettingsEvent[] = [];

  const apply = (event: SettingsEvent) => {
    if (event.type === "resync") return void reload();
    if (event.data.revision <= revision) return; // already in the snapshot
    if (event.type === "settings.changed") entries.set(event.data.key, event.data.value);
    else if (event.type === "settings.deleted") entries.delete(event.data.key);
    else entries.clear();
    revision = event.data.revision;
    options.onChange?.(entries, event);
  };

  const reload = (): Promise<void> => {
    loading ??= (async () => {
      try {
        const snapshot = await client.list(options.signal ? { signal: options.signal } : {});
        entries.clear();
        for (const [key, value] of Object.entries(snapshot.entries)) entries.set(key, value);
        revision = snapshot.revision;
        options.onChange?.(entries, { type: "loaded", revision });
      } finally {
        loading = undefined;
        for (const event of queued.splice(0)) apply(event); // events that arrived during the load
      }
    })();
    return loading;
  };

  const ready = reload();
  ready.catch((err) => options.onError?.(err));
  // The stream starts from the snapshot's revision once it is known.
  const streamStarted = ready.then(
    () => String(revision),
    () => undefined,
  );
  let subscription: Subscription | undefined;
  const closed = streamStarted.then((lastEventId) => {
    if (lastEventId === undefined || options.signal?.aborted) return;
    subscription = client.subscribe({
      lastEventId,
      onEvent: (event) => (loading ? queued.push(event) : apply(event)),
      ...(options.onError ? { onError: options.onError } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.retryMs !== undefined ? { retryMs: options.retryMs } : {}),
      ...(options.maxRetryMs !== undefined ? { maxRetryMs: options.maxRetryMs } : {}),
    });
    return subscription.closed;
  });
  closed.catch(() => {});

  return {
    entries,
    get revision() {
      return revision;
    },
    ready,
    subscription: {
      get lastEventId() {
        return subscription?.lastEventId ?? "";
      },
      closed,
    },
  };
}
