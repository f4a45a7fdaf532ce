// What the typed client and the settings helpers share: the base URL, the options, the error of an answer.
import type { components } from "./generated/openapi.js";

export type ApiError = components["schemas"]["Error"];
export type ErrorCode = components["schemas"]["ErrorCode"];

/** The backend's base URL: it binds the loopback address only. */
export function backendBaseUrl(port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`invalid backend port: ${String(port)}`);
  }
  return `http://127.0.0.1:${port}`;
}

export interface BackendClientOptions {
  /** The port from the sidecar's handshake line. */
  port: number;
  /** The token the host gave the sidecar in BACKEND_TOKEN; sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** A fetch implementation to use instead of the global one. */
  fetch?: (input: Request) => Promise<Response>;
}

/** An error answer of the backend, with its status and `{error, message}` body. */
export class BackendError extends Error {
  readonly status: number;
  readonly code: ErrorCode | undefined;
  constructor(status: number, body: unknown) {
    const parsed = isApiError(body) ? body : undefined;
    super(parsed ? `backend answered ${status} ${parsed.error}: ${parsed.message}` : `backend answered ${status}`);
    this.name = "BackendError";
    this.status = status;
    this.code = parsed?.error;
  }
}

export function isApiError(body: unknown): body is ApiError {
  return (
    typeof body === "object" &&
    body !== null &&
    typeof (body as ApiError).error === "string" &&
    typeof (body as ApiError).message === "string"
  );
}
