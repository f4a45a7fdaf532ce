// Unit tests of the client helpers, against a fake fetch (no backend needed).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { APP_NAME } from "@aios/shared";
import { BackendError, backendBaseUrl, createBackendClient, parseHandshakeLine, waitUntilHealthy } from "../src/index.js";

const healthy = () => ({ status: "ok", app: APP_NAME, timestamp: Date.now(), uptime: 1.5 });
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

/** A fake fetch that answers from a list of steps (a Response, or an Error to throw) and records requests. */
function fakeFetch(steps: Array<() => Response | Error | Promise<Response>>) {
  const requests: Request[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    requests.push(request);
    const step = steps[Math.min(requests.length - 1, steps.length - 1)]!;
    const result = await step();
    if (result instanceof Error) throw result;
    return result;
  };
  return { fetch, requests };
}

describe("parseHandshakeLine", () => {
  test("accepts BACKEND_PORT:<port> with \\n, \\r\\n or no terminator", () => {
    assert.equal(parseHandshakeLine("BACKEND_PORT:1421\n"), 1421);
    assert.equal(parseHandshakeLine("BACKEND_PORT:65535\r\n"), 65535);
    assert.equal(parseHandshakeLine("BACKEND_PORT:1"), 1);
  });
  for (const bad of ["", "\n", "BACKEND_PORT:\n", "BACKEND_PORT:0\n", "BACKEND_PORT:65536\n", "BACKEND_PORT:080\n",
    "BACKEND_PORT: 80\n", " BACKEND_PORT:80\n", "BACKEND_PORT:80 \n", "backend_port:80\n", "BACKEND_PORT:80\n\n", "PORT:80\n", "BACKEND_PORT:8a\n"]) {
    test(`rejects ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseHandshakeLine(bad), /not a backend handshake line/);
    });
  }
});

describe("createBackendClient", () => {
  test("targets http://127.0.0.1:<port> and sends the bearer token", async () => {
    const { fetch, requests } = fakeFetch([() => json(200, healthy())]);
    const client = createBackendClient({ port: 4321, token: "s3cret-token", fetch });
    const { data } = await client.GET("/health");
    assert.equal(data?.app, APP_NAME);
    assert.equal(requests[0]!.url, "http://127.0.0.1:4321/health");
    assert.equal(requests[0]!.method, "GET");
    assert.equal(requests[0]!.headers.get("authorization"), "Bearer s3cret-token");
    assert.equal(requests[0]!.headers.get("content-type"), null, "a GET sends no Content-Type (no preflight needed)");
  });

  test("without a token sends no Authorization header", async () => {
    const { fetch, requests } = fakeFetch([() => json(200, healthy())]);
    await createBackendClient({ port: 4321, fetch }).GET("/health");
    assert.equal(requests[0]!.headers.get("authorization"), null);
  });

  test("returns the typed error body of an error answer", async () => {
    const { fetch } = fakeFetch([() => json(401, { error: "unauthorized", message: "token needed" })]);
    const { data, error, response } = await createBackendClient({ port: 4321, fetch }).GET("/health");
    assert.equal(data, undefined);
    assert.equal(response.status, 401);
    assert.deepEqual(error, { error: "unauthorized", message: "token needed" });
  });

  test("rejects bad ports and tokens", () => {
    for (const port of [0, -1, 65536, 1.5, NaN]) assert.throws(() => createBackendClient({ port }), RangeError);
    assert.throws(() => createBackendClient({ port: 1, token: "" }), TypeError);
    assert.throws(() => createBackendClient({ port: 1, token: "a b" }), TypeError);
    assert.equal(backendBaseUrl(1420), "http://127.0.0.1:1420");
  });
});

describe("waitUntilHealthy", () => {
  const fast = { initialDelayMs: 1, maxDelayMs: 4 };

  test("retries connection errors and 5xx answers until healthy", async () => {
    const { fetch, requests } = fakeFetch([
      () => new TypeError("fetch failed"),
      () => json(503, { error: "service_unavailable", message: "busy" }),
      () => json(200, healthy()),
    ]);
    const health = await waitUntilHealthy(createBackendClient({ port: 1, fetch }), fast);
    assert.equal(health.status, "ok");
    assert.equal(requests.length, 3);
  });

  test("gives up after the given number of attempts, with the last failure as cause", async () => {
    const { fetch, requests } = fakeFetch([() => new TypeError("fetch failed")]);
    await assert.rejects(waitUntilHealthy(createBackendClient({ port: 1, fetch }), { ...fast, attempts: 4 }), (err: Error) => {
      assert.match(err.message, /not healthy after 4 attempts/);
      assert.ok(err.cause instanceof TypeError);
      return true;
    });
    assert.equal(requests.length, 4);
  });

  test("backs off exponentially up to maxDelayMs", async () => {
    const times: number[] = [];
    const { fetch } = fakeFetch([() => (times.push(performance.now()), new TypeError("fetch failed"))]);
    await assert.rejects(waitUntilHealthy(createBackendClient({ port: 1, fetch }), { attempts: 6, initialDelayMs: 40, maxDelayMs: 100 }));
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // Waits 40, 80, 100, 100, 100 ms (timers never fire early; a busy machine may make them late).
    // Without the cap they would add up to 40 + 80 + 160 + 320 + 640 = 1240 ms.
    [40, 80, 100, 100, 100].forEach((want, i) => assert.ok(gaps[i]! >= want - 2, `gaps ${gaps.join(", ")}`));
    assert.ok(times.at(-1)! - times[0]! < 1000, `gaps ${gaps.join(", ")}: the delay must be capped`);
  });

  test("times out a hanging request and retries", async () => {
    let calls = 0;
    const fetch = async (request: Request) => {
      calls++;
      if (calls === 1) {
        return await new Promise<Response>((_, reject) => request.signal.addEventListener("abort", () => reject(request.signal.reason)));
      }
      return json(200, healthy());
    };
    const health = await waitUntilHealthy(createBackendClient({ port: 1, fetch }), { ...fast, requestTimeoutMs: 30 });
    assert.equal(health.status, "ok");
    assert.equal(calls, 2);
  });

  test("an abort signal stops the wait at once", async () => {
    const { fetch, requests } = fakeFetch([() => new TypeError("fetch failed")]);
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(new Error("user closed the window")), 50);
    await assert.rejects(
      waitUntilHealthy(createBackendClient({ port: 1, fetch }), { attempts: 1000, initialDelayMs: 20, maxDelayMs: 20, signal: controller.signal }),
      /user closed the window/,
    );
    assert.ok(performance.now() - started < 2000);
    assert.ok(requests.length >= 1 && requests.length < 50);
  });

  test("an already aborted signal makes no request", async () => {
    const { fetch, requests } = fakeFetch([() => json(200, healthy())]);
    await assert.rejects(waitUntilHealthy(createBackendClient({ port: 1, fetch }), { signal: AbortSignal.abort(new Error("stop")) }), /stop/);
    assert.equal(requests.length, 0);
  });

  test("a 4xx answer fails at once with a BackendError", async () => {
    const { fetch, requests } = fakeFetch([() => json(401, { error: "unauthorized", message: "token needed" })]);
    await assert.rejects(waitUntilHealthy(createBackendClient({ port: 1, fetch }), fast), (err: unknown) => {
      assert.ok(err instanceof BackendError);
      assert.equal(err.status, 401);
      assert.equal(err.code, "unauthorized");
      return true;
    });
    assert.equal(requests.length, 1);
  });

  test("another app answering on the port fails at once", async () => {
    const { fetch, requests } = fakeFetch([() => json(200, { ...healthy(), app: `not-${APP_NAME}` })]);
    await assert.rejects(waitUntilHealthy(createBackendClient({ port: 1, fetch }), fast), /not "/);
    assert.equal(requests.length, 1);
  });
});
