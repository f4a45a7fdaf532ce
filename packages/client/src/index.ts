// Typed client for the backend sidecar. The types come from src/generated/openapi.d.ts, which
// scripts/generate.mjs makes from packages/shared/openapi.json; the runtime is openapi-fetch.
import createClient, { type Client } from "openapi-fetch";
import { APP_NAME } from "@aios/shared";
import { BackendError, backendBaseUrl, type BackendClientOptions } from "./core.js";
import type { components, paths } from "./generated/openapi.js";

export type { components, paths } from "./generated/openapi.js";
export type Health = components["schemas"]["Health"];
export { BackendError, backendBaseUrl, isApiError, type ApiError, type BackendClientOptions, type ErrorCode } from "./core.js";
export { EventStreamParser, type EventStreamHandlers, type StreamEvent } from "./event-stream.js";
export * from "./settings.js";
export type BackendClient = Client<paths>;

/** The first line the sidecar writes to stdout: `BACKEND_PORT:<port>\n`. */
export const HANDSHAKE_PREFIX = "BACKEND_PORT:";

/**
 * Parses the sidecar's handshake line the way the desktop host does: the line terminator
 * (`\n` or `\r\n`) is removed, nothing else is trimmed, and the rest must be exactly
 * `BACKEND_PORT:<port>` with a decimal port in 1..65535. Throws on anything else.
 */
export function parseHandshakeLine(line: string): number {
  const body = line.endsWith("\r\n") ? line.slice(0, -2) : line.endsWith("\n") ? line.slice(0, -1) : line;
  const match = /^BACKEND_PORT:([1-9][0-9]{0,4})$/.exec(body);
  const port = match ? Number(match[1]) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new Error(`not a backend handshake line: ${JSON.stringify(line.slice(0, 80))}`);
  }
  return port;
}

/** A typed client for the sidecar at http://127.0.0.1:<port>. */
export function createBackendClient(options: BackendClientOptions): BackendClient {
  const { port, token } = options;
  if (token !== undefined && (token === "" || /[\s]/.test(token))) {
    throw new TypeError("token must be a non-empty string without whitespace");
  }
  return createClient<paths>({
    baseUrl: backendBaseUrl(port),
    headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

export interface WaitUntilHealthyOptions {
  /** How many requests to make at most (default 20). */
  attempts?: number;
  /** The wait after the first failure; it doubles after each further one (default 50 ms). */
  initialDelayMs?: number;
  /** The longest wait between two attempts (default 1000 ms). */
  maxDelayMs?: number;
  /** How long one request may take before it counts as failed (default 2000 ms). */
  requestTimeoutMs?: number;
  /** Aborts the wait (and the request in flight); the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** The app name /health must report (default: APP_NAME from @aios/shared), so a stranger on the port is not taken for the backend. */
  expectedApp?: string;
}

/**
 * Polls GET /health until it answers 200 with `status: "ok"`, with exponential backoff and a bounded
 * number of attempts. Network errors, timeouts and 5xx answers are retried; a 4xx answer (e.g. 401 for
 * a wrong token) or another app's /health rejects at once, since retrying cannot help.
 */
export async function waitUntilHealthy(client: BackendClient, options: WaitUntilHealthyOptions = {}): Promise<Health> {
  const {
    attempts = 20,
    initialDelayMs = 50,
    maxDelayMs = 1000,
    requestTimeoutMs = 2000,
    signal,
    expectedApp = APP_NAME,
  } = options;
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError("attempts must be a positive integer");
  let delay = initialDelayMs;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    signal?.throwIfAborted();
    const request = new AbortController();
    const onAbort = () => request.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(
      () => request.abort(new Error(`GET /health timed out after ${requestTimeoutMs} ms`)),
      requestTimeoutMs,
    );
    try {
      const { data, error, response } = await client.GET("/health", { signal: request.signal });
      if (data?.status === "ok") {
        if (data.app !== expectedApp) {
          throw new HealthCheckFatal(`the server on this port is "${data.app}", not "${expectedApp}"`);
        }
        return data;
      }
      const failure = new BackendError(response.status, error);
      if (response.status >= 400 && response.status < 500) throw new HealthCheckFatal(failure.message, failure);
      lastError = failure;
    } catch (err) {
      if (err instanceof HealthCheckFatal) throw err.cause ?? new Error(err.message);
      signal?.throwIfAborted();
      lastError = err;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
    if (attempt < attempts) {
      await sleep(delay, signal);
      delay = Math.min(delay * 2, maxDelayMs);
    }
  }
  throw new Error(`backend not healthy after ${attempts} attempts`, { cause: lastError });
}

class HealthCheckFatal extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
