// Browser test: Debian's headless Chromium (driven by playwright-core, no browser download) loads a page
// that uses the client bundle. From the allowed dev origin http://localhost:1420 the page reads /health;
// the same page from another origin is blocked by CORS. Screenshots go to test-results/.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { build } from "esbuild";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { APP_NAME } from "@aios/shared";
import { eventsSkip, packageDir, randomToken, settingsSkip, startBackend, type RunningBackend } from "./helpers.js";

const CHROMIUM = process.env.CHROMIUM_BIN || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-quic",
];
const DEV_PORT = 1420; // Tauri's default dev-server port
const resultsDir = join(packageDir, "test-results");

const skip = !existsSync(CHROMIUM) && !process.env.CI
  ? `${CHROMIUM} not found: install it with \`bash scripts/install-deps.sh browser\` (in CI this test never skips)`
  : false;

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>backend client check</title>
<style>body{font:16px sans-serif;margin:2em} .ok{color:#070} .blocked{color:#a00}</style></head>
<body><h1>Backend client check</h1><p>Page origin: <code id="origin"></code></p><pre id="out">not run</pre>
<script type="module">
import { createBackendClient, waitUntilHealthy } from "/client.js";
document.getElementById("origin").textContent = location.origin;
// Called by the test with page.evaluate, so the token never appears in a URL.
window.checkBackend = async (port, token) => {
  const out = document.getElementById("out");
  try {
    const client = createBackendClient({ port, token });
    const health = await waitUntilHealthy(client, { attempts: 2, initialDelayMs: 100 });
    out.className = "ok";
    out.textContent = "GET /health through the client:\\n" + JSON.stringify(health, null, 2);
    return { ok: true, health };
  } catch (err) {
    const cause = err.cause ?? err;
    out.className = "blocked";
    out.textContent = "GET /health failed: " + err.message + "\\ncause: " + cause.name + ": " + cause.message;
    return { ok: false, message: err.message, causeName: cause.name, causeMessage: cause.message };
  }
};
window.pageReady = true;
</script></body></html>`;

// The settings page (issues 10 and 11): the test calls these functions with page.evaluate, token included.
const SETTINGS_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>settings check</title></head>
<body><h1>Settings check</h1><pre id="out"></pre>
<script type="module">
import { createSettingsClient, PreconditionFailedError } from "/client.js";
const out = document.getElementById("out");
const show = (line) => (out.textContent += line + "\\n");
const failure = (err) => ({ ok: false, name: err.name, status: err.status, typed: err instanceof PreconditionFailedError, message: err.message });
window.settingsPut = async (port, token, key, value, options) => {
  try {
    const entry = await createSettingsClient({ port, token }).put(key, value, options);
    show("put " + key + " = " + JSON.stringify(value) + " @" + entry.revision);
    return { ok: true, entry };
  } catch (err) {
    show("put " + key + " failed: " + err.name + ": " + err.message);
    return failure(err);
  }
};
window.settingsGet = async (port, token, key) => {
  try {
    const entry = await createSettingsClient({ port, token }).get(key);
    show("get " + key + " = " + JSON.stringify(entry));
    return { ok: true, entry };
  } catch (err) {
    return failure(err);
  }
};
window.events = [];
window.subscribeEvents = (port, token) => {
  window.opened = false;
  createSettingsClient({ port, token }).subscribe({
    onOpen: () => { window.opened = true; show("subscribed"); },
    onEvent: (event) => { window.events.push(event); show("event " + event.type + " " + JSON.stringify(event.data)); },
    onReconnect: (info) => show("reconnect in " + info.delayMs + " ms: " + (info.error && info.error.message)),
  }).closed.catch((err) => show("subscription ended: " + err.message));
};
window.pageReady = true;
</script></body></html>`;

/** Serves the page and the client bundle on loopback (IPv4 and, where it exists, IPv6). */
async function servePage(bundle: string, port: number): Promise<{ port: number; close(): Promise<void> }> {
  const handler: http.RequestListener = (req, res) => {
    if (req.url === "/" || req.url?.startsWith("/?")) {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(PAGE);
    } else if (req.url === "/settings") {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(SETTINGS_PAGE);
    } else if (req.url === "/client.js") {
      res.writeHead(200, { "Content-Type": "text/javascript; charset=utf-8" }).end(bundle);
    } else {
      res.writeHead(404).end();
    }
  };
  const listen = (server: http.Server, host: string, p: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(p, host, () => resolve((server.address() as AddressInfo).port));
    });
  const v4 = http.createServer(handler);
  const actual = await listen(v4, "127.0.0.1", port);
  const v6 = http.createServer(handler);
  const servers = [v4];
  try {
    await listen(v6, "::1", actual);
    servers.push(v6);
  } catch {
    // no IPv6 loopback here: Chromium falls back to 127.0.0.1 for localhost
  }
  return {
    port: actual,
    close: () => Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => {}),
  };
}

describe("client in headless Chromium", () => {
  const token = randomToken();
  let backend: RunningBackend;
  let allowed: { port: number; close(): Promise<void> };
  let other: { port: number; close(): Promise<void> };
  let context: BrowserContext;
  let userDataDir: string;
  const consoleMessages: string[] = [];

  before(async () => {
    if (skip || !existsSync(CHROMIUM)) return; // in CI a missing Chromium fails the tests below
    const bundled = await build({
      entryPoints: [join(packageDir, "src", "index.ts")],
      bundle: true, format: "esm", platform: "browser", target: "es2020", write: false, logLevel: "silent",
    });
    const bundle = bundled.outputFiles[0]!.text;
    try {
      allowed = await servePage(bundle, DEV_PORT);
    } catch (err: any) {
      if (err.code !== "EADDRINUSE") throw err;
      console.log(`# port ${DEV_PORT} is busy: the allowed dev origin uses another free port`);
      allowed = await servePage(bundle, 0);
    }
    other = await servePage(bundle, 0);
    backend = await startBackend({ BACKEND_TOKEN: token, BACKEND_ALLOWED_ORIGINS: `http://localhost:${allowed.port}` });

    userDataDir = mkdtempSync(join(tmpdir(), "client-chromium-"));
    // playwright-core refuses --user-data-dir in args; a persistent context on a fresh temp dir is the same.
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 800, height: 500 },
    });
    mkdirSync(resultsDir, { recursive: true });
  });

  after(async () => {
    await context?.close();
    await backend?.stop();
    await allowed?.close();
    await other?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  test(`${CHROMIUM} is installed`, { skip }, () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} not found: install it with \`bash scripts/install-deps.sh browser\``);
  });

  async function runPage(pagePort: number, screenshot: string) {
    assert.ok(context, "Chromium did not start");
    const page = await context.newPage();
    page.on("console", (msg) => consoleMessages.push(msg.text()));
    await page.goto(`http://localhost:${pagePort}/`);
    await page.waitForFunction(() => (window as any).pageReady === true);
    const result = await page.evaluate(([port, t]) => (window as any).checkBackend(port, t), [backend.port, token] as const);
    const path = join(resultsDir, screenshot);
    await page.screenshot({ path });
    await page.close();
    assert.deepEqual([...readFileSync(path).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], "a PNG screenshot");
    return result;
  }

  test("a page from the allowed dev origin reads /health through the client", { skip }, async () => {
    const result = await runPage(allowed.port, "browser-allowed-origin.png");
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.health.status, "ok");
    assert.equal(result.health.app, APP_NAME);
  });

  test("the same page from another origin is blocked by CORS", { skip }, async () => {
    consoleMessages.length = 0;
    const result = await runPage(other.port, "browser-blocked-origin.png");
    assert.equal(result.ok, false, "the request must not succeed");
    assert.equal(result.causeName, "TypeError", JSON.stringify(result)); // fetch's network/CORS failure
    assert.ok(
      consoleMessages.some((m) => m.includes(`from origin 'http://localhost:${other.port}' has been blocked by CORS policy`)),
      `Chromium reports the CORS block; console: ${JSON.stringify(consoleMessages)}`,
    );
  });
});

describe("settings in headless Chromium (issues 10 and 11)", () => {
  const token = randomToken();
  const settingsSkipHere = skip || settingsSkip;
  const eventsSkipHere = skip || eventsSkip;
  let backend: RunningBackend;
  let site: { port: number; close(): Promise<void> };
  let context: BrowserContext;
  let userDataDir: string;

  before(async () => {
    if (settingsSkipHere || !existsSync(CHROMIUM)) return;
    const bundled = await build({
      entryPoints: [join(packageDir, "src", "index.ts")],
      bundle: true, format: "esm", platform: "browser", target: "es2020", write: false, logLevel: "silent",
    });
    site = await servePage(bundled.outputFiles[0]!.text, 0);
    backend = await startBackend({ BACKEND_TOKEN: token, BACKEND_ALLOWED_ORIGINS: `http://localhost:${site.port}` });
    userDataDir = mkdtempSync(join(tmpdir(), "client-chromium-settings-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 800, height: 500 },
    });
    mkdirSync(resultsDir, { recursive: true });
  });

  after(async () => {
    await context?.close();
    await backend?.stop();
    await site?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  async function openPage() {
    assert.ok(context, "Chromium did not start");
    const page = await context.newPage();
    await page.goto(`http://localhost:${site.port}/settings`);
    await page.waitForFunction(() => (window as any).pageReady === true);
    return page;
  }
  const put = (page: Page, key: string, value: unknown, options?: object) =>
    page.evaluate(([port, t, k, v, o]) => (window as any).settingsPut(port, t, k, v, o), [backend.port, token, key, value, options] as const);
  const get = (page: Page, key: string) =>
    page.evaluate(([port, t, k]) => (window as any).settingsGet(port, t, k), [backend.port, token, key] as const);

  test("a value set from the app's origin is read back by a second page", { skip: settingsSkipHere }, async () => {
    const writer = await openPage();
    const reader = await openPage();
    const written = await put(writer, "café/menu", { dark: true, items: ["tea", "☕"] });
    assert.equal(written.ok, true, JSON.stringify(written));
    const read = await get(reader, "café/menu");
    assert.equal(read.ok, true, JSON.stringify(read));
    assert.deepEqual(read.entry, written.entry);
    await reader.screenshot({ path: join(resultsDir, "browser-settings-read-back.png") });
    await writer.close();
    await reader.close();
  });

  test("a stale ifMatch is a PreconditionFailedError in the page", { skip: settingsSkipHere }, async () => {
    const page = await openPage();
    const first = await put(page, "conditional", 1);
    const second = await put(page, "conditional", 2, { ifMatch: first.entry.revision });
    assert.equal(second.ok, true, JSON.stringify(second));
    const stale = await put(page, "conditional", 3, { ifMatch: first.entry.revision });
    assert.deepEqual({ ok: stale.ok, name: stale.name, status: stale.status, typed: stale.typed },
      { ok: false, name: "PreconditionFailedError", status: 412, typed: true }, JSON.stringify(stale));
    await page.close();
  });

  test("one page subscribes with the token, a second page changes a setting, the first sees the event", { skip: eventsSkipHere }, async () => {
    const subscriber = await openPage();
    const writer = await openPage();
    await subscriber.evaluate(([port, t]) => (window as any).subscribeEvents(port, t), [backend.port, token] as const);
    await subscriber.waitForFunction(() => (window as any).opened === true, undefined, { timeout: 10_000 });
    const written = await put(writer, "live", { at: "second page" });
    assert.equal(written.ok, true, JSON.stringify(written));
    const handle = await subscriber.waitForFunction(
      (key) => (window as any).events.find((e: any) => e.type === "settings.changed" && e.data.key === key),
      "live",
      { timeout: 10_000 },
    );
    const event = await handle.jsonValue();
    assert.deepEqual(event, { type: "settings.changed", id: String(written.entry.revision), data: written.entry });
    await subscriber.screenshot({ path: join(resultsDir, "browser-settings-event.png") });
    await subscriber.close();
    await writer.close();
  });
});
