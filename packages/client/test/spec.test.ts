// The OpenAPI document and the files generated from it.
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { createConfig, lint } from "@redocly/openapi-core";
import { APP_NAME, APP_VERSION } from "@aios/shared";
import { packageDir, spec, specPath } from "./helpers.js";

const ERROR_CODES: Record<string, string> = {
  "400": "bad_request", "401": "unauthorized", "403": "forbidden", "404": "not_found", "405": "method_not_allowed",
  "413": "payload_too_large", "414": "uri_too_long", "421": "misdirected_request", "431": "header_fields_too_large",
  "503": "service_unavailable", "505": "http_version_not_supported", "412": "precondition_failed",
  "415": "unsupported_media_type", "422": "unprocessable_content",
};
// Codes that share a status with another: the second 503.
const OTHER_CODES = ["storage_unavailable"];

/** Follows a local `$ref` ("#/a/b") in the document. */
function deref(node: any): any {
  while (node && typeof node.$ref === "string") {
    assert.match(node.$ref, /^#\//, `only local refs: ${node.$ref}`);
    node = node.$ref
      .slice(2)
      .split("/")
      .map((p: string) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((n: any, key: string) => n?.[key], spec);
    assert.ok(node !== undefined, "ref resolves");
  }
  return node;
}

test("@aios/shared exports the name and version of packages/shared/app.json", () => {
  const app = JSON.parse(readFileSync(join(packageDir, "..", "shared", "app.json"), "utf8"));
  assert.equal(APP_NAME, app.name);
  assert.equal(APP_VERSION, app.version);
  assert.match(APP_NAME, /^[A-Za-z0-9._-]+$/);
  assert.match(APP_VERSION, /^\d+\.\d+\.\d+/);
});

test("src/generated/openapi.d.ts is what `npm run generate` makes from openapi.json (no drift)", async () => {
  const generator = await import(new URL("../../scripts/generate.mjs", import.meta.url).href);
  const committed = readFileSync(generator.outputPath, "utf8");
  assert.ok(committed === (await generator.render()), "src/generated/openapi.d.ts is stale: run `npm run generate` in packages/client");
});

test("the document is OpenAPI 3.1 and its version is the app version", () => {
  assert.match(spec.openapi, /^3\.1\.\d+$/);
  assert.equal(spec.info.version, APP_VERSION);
  assert.equal(spec.servers[0].url, "http://127.0.0.1:{port}");
});

test("the document is valid OpenAPI 3.1 (Redocly's structural checks and recommended rules)", async () => {
  const problems = await lint({ ref: specPath, config: await createConfig({ extends: ["recommended"] }) });
  const report = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? "?"}`);
  assert.deepEqual(report, []);
});

test("every $ref resolves", () => {
  let refs = 0;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === "object") {
      if ("$ref" in node) (refs++, deref(node));
      Object.values(node).forEach(walk);
    }
  };
  walk(spec);
  assert.ok(refs > 10, `found ${refs} refs`);
});

test("security: bearer token, optional (global [{}, {bearerAuth: []}])", () => {
  assert.deepEqual(spec.security, [{}, { bearerAuth: [] }]);
  assert.deepEqual(spec.components.securitySchemes.bearerAuth, { ...spec.components.securitySchemes.bearerAuth, type: "http", scheme: "bearer" });
});

test("the Error schema: {error, message}, with every error code", () => {
  const error = spec.components.schemas.Error;
  assert.deepEqual([...error.required].sort(), ["error", "message"]);
  assert.equal(error.additionalProperties, false);
  assert.equal(error.properties.message.type, "string");
  assert.deepEqual([...deref(error.properties.error).enum].sort(), [...Object.values(ERROR_CODES), ...OTHER_CODES].sort());
});

test("every path has OPTIONS and HEAD beside GET; every operation documents 400, 401, 403, 404, 405 and 421 with the Error body", () => {
  for (const path of ["/health", "/openapi.json", "/settings", "/settings/{key}"]) assert.ok(spec.paths[path], path);
  for (const [path, item] of Object.entries<any>(spec.paths)) {
    assert.ok(item.options, `${path} has OPTIONS`);
    if (item.get) assert.ok(item.head, `${path} has HEAD beside GET`);
    for (const method of Object.keys(item)) {
      const responses = item[method].responses;
      for (const status of ["400", "401", "403", "404", "405", "421"]) {
        if (method === "options" && status === "405") continue; // OPTIONS is every path's
        const response = deref(responses[status]);
        assert.ok(response, `${method.toUpperCase()} ${path} documents ${status}`);
        if (method !== "head") {
          assert.equal(response.content["application/json"].schema.$ref, "#/components/schemas/Error", `${method} ${path} ${status}`);
          const example = response.content["application/json"].example;
          if (example) assert.equal(example.error, ERROR_CODES[status]);
        }
      }
    }
    if (item.get) assert.ok(deref(item.get.responses["405"]).headers.Allow, `405 on ${path} has Allow`);
  }
  const health = spec.components.schemas.Health;
  assert.deepEqual([...health.required].sort(), ["app", "status", "timestamp", "uptime"]);
  assert.deepEqual(deref(health.properties.status).enum, ["ok"]);
  assert.equal(health.additionalProperties, false);
});

test(`the app name is not hard-coded in the TypeScript side (only packages/shared/app.json holds it)`, () => {
  const sharedDir = join(packageDir, "..", "shared");
  const files = [
    ...["index.js", "index.d.ts", "openapi.json"].map((f) => join(sharedDir, f)),
    ...["src", "test", "scripts"].flatMap((d) => listFiles(join(packageDir, d))),
  ];
  assert.ok(files.length > 5);
  // Package names such as "@<name>/client" are allowed; any other occurrence of the name is not.
  const word = new RegExp(`(?<!@)\\b${APP_NAME}\\b`, "i");
  const offenders = files.filter((f) => word.test(readFileSync(f, "utf8")));
  assert.deepEqual(offenders, []);
});

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}
