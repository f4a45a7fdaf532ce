// End-to-end: the real backend binary, started as the desktop host starts it, called through the typed client.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import { APP_NAME, APP_VERSION } from "@aios/shared";
import { createBackendClient, waitUntilHealthy, type BackendClient } from "../src/index.js";
import { assertMatchesSchema, headerList, randomToken, spec, startBackend, type RunningBackend } from "./helpers.js";

const ROUTES = ["/health", "/openapi.json"] as const;
const DEV_ORIGIN = "http://localhost:1420";
const BUILTIN_ORIGINS = ["tauri://localhost", "http://tauri.localhost", "https://tauri.localhost"];
const FOREIGN_ORIGIN = "http://evil.example";

/** Asserts an error answer: status, JSON `{error, message}` body matching the Error schema, and the code. */
async function assertErrorResponse(res: Response, status: number, code: string): Promise<void> {
  assert.equal(res.status, status);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json\b/);
  const body: unknown = await res.json();
  assertMatchesSchema(body, "/components/schemas/Error");
  assert.equal((body as { error: string }).error, code);
}

/** A raw request with any Host header (fetch does not let a caller set Host). */
function rawRequest(port: number, options: http.RequestOptions): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, ...options }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("backend without a token", () => {
  let backend: RunningBackend;
  let client: BackendClient;
  let base: string;

  before(async () => {
    backend = await startBackend({ BACKEND_ALLOWED_ORIGINS: DEV_ORIGIN });
    client = createBackendClient({ port: backend.port });
    base = `http://127.0.0.1:${backend.port}`;
    await waitUntilHealthy(client);
  });
  after(() => backend?.stop());

  test("handshake is the first stdout line, BACKEND_PORT:<port> and a newline", () => {
    assert.match(backend.handshake, /^BACKEND_PORT:[1-9][0-9]{0,4}\r?\n$/);
    assert.ok(backend.port >= 1 && backend.port <= 65535);
  });

  test("GET /health answers the Health schema, never cached", async () => {
    const before = Date.now();
    const { data, error, response } = await client.GET("/health");
    const afterMs = Date.now();
    assert.equal(error, undefined);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^application\/json\b/);
    assert.equal(response.headers.get("cache-control"), "no-store");
    assertMatchesSchema(data, "/components/schemas/Health");
    assert.ok(data);
    assert.equal(data.status, "ok");
    assert.equal(data.app, APP_NAME);
    assert.ok(Number.isInteger(data.timestamp));
    // The backend's clock is this machine's clock: allow for slow scheduling only.
    assert.ok(data.timestamp >= before - 5000 && data.timestamp <= afterMs + 5000, `timestamp ${data.timestamp} not near ${before}`);
    assert.ok(data.uptime >= 0 && data.uptime < 3600, `uptime ${data.uptime}`);

    await new Promise((r) => setTimeout(r, 50));
    const again = await client.GET("/health");
    assert.ok(again.data);
    assert.ok(again.data.uptime >= data.uptime, "uptime goes forward");
    assert.ok(again.data.timestamp >= data.timestamp, "timestamp goes forward");
  });

  test("HEAD /health: 200, same headers, no body", async () => {
    const { data, response } = await client.HEAD("/health");
    assert.equal(response.status, 200);
    assert.equal(data, undefined);
    assert.match(response.headers.get("content-type") ?? "", /^application\/json\b/);
    assert.equal(response.headers.get("cache-control"), "no-store");
    assert.equal(await response.text(), "");
  });

  test("GET /openapi.json serves packages/shared/openapi.json", async () => {
    const { data, response } = await client.GET("/openapi.json");
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^application\/json\b/);
    assertMatchesSchema(data, "/components/schemas/OpenApiDocument");
    assert.deepEqual(data, spec);
    assert.equal(data?.info.version, APP_VERSION);
  });

  test("HEAD /openapi.json: 200, no body", async () => {
    const { response } = await client.HEAD("/openapi.json");
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^application\/json\b/);
    assert.equal(await response.text(), "");
  });

  for (const path of ROUTES) {
    for (const origin of [...BUILTIN_ORIGINS, DEV_ORIGIN]) {
      test(`OPTIONS ${path} preflight from allowed origin ${origin}`, async () => {
        const { response } = await client.OPTIONS(path, {
          params: { header: { Origin: origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" } },
        });
        assert.equal(response.status, 204);
        assert.equal(response.headers.get("access-control-allow-origin"), origin);
        assert.deepEqual(headerList(response.headers.get("access-control-allow-methods")), ["get", "head", "options"]);
        assert.deepEqual(headerList(response.headers.get("access-control-allow-headers")), ["authorization", "content-type", "if-match", "if-none-match", "last-event-id"]);
        assert.match(response.headers.get("access-control-max-age") ?? "", /^[0-9]+$/);
        assert.ok(headerList(response.headers.get("vary")).includes("origin"), "Vary: Origin");
      });
    }

    test(`OPTIONS ${path} preflight from a foreign origin: 403 forbidden, no CORS headers`, async () => {
      const { error, response } = await client.OPTIONS(path, {
        params: { header: { Origin: FOREIGN_ORIGIN, "Access-Control-Request-Method": "GET" } },
      });
      assert.equal(response.status, 403);
      assertMatchesSchema(error, "/components/schemas/Error");
      assert.equal(error?.error, "forbidden");
      assert.equal(response.headers.get("access-control-allow-origin"), null);
      assert.equal(response.headers.get("access-control-allow-methods"), null);
      assert.equal(response.headers.get("access-control-allow-headers"), null);
    });
  }

  test("GET from an allowed origin carries Access-Control-Allow-Origin and Vary: Origin", async () => {
    const { data, response } = await client.GET("/health", { headers: { Origin: "tauri://localhost" } });
    assert.equal(data?.status, "ok");
    assert.equal(response.headers.get("access-control-allow-origin"), "tauri://localhost");
    assert.ok(headerList(response.headers.get("vary")).includes("origin"));
  });

  test("GET from a foreign origin: 403 forbidden, no Access-Control-Allow-Origin", async () => {
    const { data, error, response } = await client.GET("/health", { headers: { Origin: FOREIGN_ORIGIN } });
    assert.equal(data, undefined);
    assert.equal(response.status, 403);
    assertMatchesSchema(error, "/components/schemas/Error");
    assert.equal(error?.error, "forbidden");
    assert.equal(response.headers.get("access-control-allow-origin"), null);
  });

  test("OPTIONS without a preflight's headers: 204 with Allow", async () => {
    const res = await fetch(`${base}/health`, { method: "OPTIONS" });
    assert.equal(res.status, 204);
    assert.deepEqual(headerList(res.headers.get("allow")), ["get", "head", "options"]);
    assert.equal(res.headers.get("access-control-allow-origin"), null);
  });

  test("unknown path: 404 not_found", async () => {
    await assertErrorResponse(await fetch(`${base}/no-such-route`), 404, "not_found");
  });

  for (const path of ROUTES) {
    test(`POST ${path}: 405 method_not_allowed with Allow`, async () => {
      const res = await fetch(`${base}${path}`, { method: "POST" });
      assert.deepEqual(headerList(res.headers.get("allow")), ["get", "head", "options"]);
      await assertErrorResponse(res, 405, "method_not_allowed");
    });
  }

  test("foreign Host header: 421 misdirected_request", async () => {
    const res = await rawRequest(backend.port, { path: "/health", headers: { Host: `evil.example:${backend.port}` } });
    assert.equal(res.status, 421);
    const body: unknown = JSON.parse(res.body);
    assertMatchesSchema(body, "/components/schemas/Error");
    assert.equal((body as { error: string }).error, "misdirected_request");
  });

  test("waitUntilHealthy resolves with the backend's health", async () => {
    const health = await waitUntilHealthy(client, { attempts: 3 });
    assert.equal(health.app, APP_NAME);
  });

  test("the stdin line \"shutdown\" stops the backend with exit code 0", async () => {
    assert.equal(await backend.stop("stdin"), 0);
  });
});

describe("backend with BACKEND_TOKEN", () => {
  const token = randomToken();
  let backend: RunningBackend;

  before(async () => {
    backend = await startBackend({ BACKEND_TOKEN: token });
  });
  after(() => backend?.stop());

  test("the right bearer token is accepted", async () => {
    const client = createBackendClient({ port: backend.port, token });
    const health = await waitUntilHealthy(client);
    assert.equal(health.app, APP_NAME);
    const { data, response } = await client.GET("/openapi.json");
    assert.equal(response.status, 200);
    assert.deepEqual(data, spec);
  });

  for (const [name, clientToken] of [["no token", undefined], ["a wrong token", randomToken()]] as const) {
    test(`${name}: 401 unauthorized on every route`, async () => {
      const client = createBackendClient({ port: backend.port, ...(clientToken ? { token: clientToken } : {}) });
      const { data, error, response } = await client.GET("/health");
      assert.equal(data, undefined);
      assert.equal(response.status, 401);
      assertMatchesSchema(error, "/components/schemas/Error");
      assert.equal(error?.error, "unauthorized");
      const head = await client.HEAD("/health");
      assert.equal(head.response.status, 401);
      await assert.rejects(waitUntilHealthy(client, { attempts: 5 }), { name: "BackendError", status: 401 });
    });
  }

  test("a CORS preflight needs no token", async () => {
    const client = createBackendClient({ port: backend.port });
    const { response } = await client.OPTIONS("/health", {
      params: { header: { Origin: "tauri://localhost", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" } },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get("access-control-allow-origin"), "tauri://localhost");
  });

  test("SIGTERM stops the backend with exit code 0; the token never appears in its output", async () => {
    assert.equal(await backend.stop("signal"), 0);
    assert.ok(!backend.output().includes(token), "backend printed its token");
  });
});
