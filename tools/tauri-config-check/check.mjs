// Checks the desktop app's Tauri configuration, the backend's part of it in particular:
//  1. apps/desktop/src-tauri/tauri.conf.json is valid against the official config schema that ships in
//     @tauri-apps/cli (config.schema.json), validated with ajv;
//  2. bundle.externalBin lists "binaries/backend" (Tauri appends -<target triple>[.exe]);
//  3. productName and version agree with packages/shared/app.json;
//  4. a capability in src-tauri/capabilities/ lets a window of the config spawn that sidecar (shell:allow-spawn
//     with {"name": "binaries/backend", "sidecar": true}).
// `node check.mjs --self-test` proves the checks can fail: each broken variant of the config must be rejected.
// Exit code 0: all good; 1: a check failed (each failure printed).
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import addFormats from "ajv-formats";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const srcTauri = join(root, "apps/desktop/src-tauri");
const require = createRequire(import.meta.url);
const schemaPath = require.resolve("@tauri-apps/cli/config.schema.json");
const sidecar = "binaries/backend";

const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));

const schema = readJson(schemaPath);
// The schema uses formats (uint, int64, ...) of Rust's schemars that ajv does not know: accept them.
// unicodeRegExp: false, because a pattern in the schema escapes ":" (valid in Rust's regex, not with the u flag).
const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, unicodeRegExp: false });
addFormats(ajv);
for (const format of ["uint", "uint8", "uint16", "uint32", "uint64", "int", "int32", "int64", "double", "float"]) {
  ajv.addFormat(format, true);
}
const validate = ajv.compile(schema);

function check(config, capabilities, appJson) {
  const problems = [];
  if (!validate(config)) {
    for (const e of validate.errors) problems.push(`schema: ${e.instancePath || "/"} ${e.message}`);
  }
  const externalBin = config?.bundle?.externalBin;
  if (!Array.isArray(externalBin) || !externalBin.includes(sidecar)) {
    problems.push(`bundle.externalBin must list "${sidecar}"`);
  }
  if (config.productName !== appJson.name) {
    problems.push(`productName "${config.productName}" differs from app.json's name "${appJson.name}"`);
  }
  if (config.version !== appJson.version) {
    problems.push(`version "${config.version}" differs from app.json's version "${appJson.version}"`);
  }
  const labels = new Set((config?.app?.windows ?? []).map((w) => w.label ?? "main"));
  const allowsSpawn = capabilities.some(({ capability }) => {
    const windows = capability.windows ?? [];
    const forOurWindow = windows.some((w) => w === "*" || labels.has(w));
    return (
      forOurWindow &&
      (capability.permissions ?? []).some(
        (p) =>
          typeof p === "object" &&
          p.identifier === "shell:allow-spawn" &&
          (p.allow ?? []).some((a) => a.name === sidecar && a.sidecar === true),
      )
    );
  });
  if (!allowsSpawn) {
    problems.push(`no capability lets a window spawn the sidecar (shell:allow-spawn, {"name":"${sidecar}","sidecar":true})`);
  }
  for (const { file, capability } of capabilities) {
    if (typeof capability.identifier !== "string" || capability.identifier === "") {
      problems.push(`${file}: a capability needs an identifier`);
    }
    if (!Array.isArray(capability.permissions) || capability.permissions.length === 0) {
      problems.push(`${file}: a capability needs permissions`);
    }
  }
  return problems;
}

const config = readJson(join(srcTauri, "tauri.conf.json"));
const appJson = readJson(join(root, "packages/shared/app.json"));
const capabilityDir = join(srcTauri, "capabilities");
const capabilities = readdirSync(capabilityDir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => ({ file: `capabilities/${f}`, capability: readJson(join(capabilityDir, f)) }));

if (process.argv.includes("--self-test")) {
  const clone = (v) => structuredClone(v);
  const variants = {
    "externalBin is a string, not a list": (c) => (c.bundle.externalBin = sidecar),
    "externalBin without the backend": (c) => (c.bundle.externalBin = ["binaries/other"]),
    "no identifier (required by the schema)": (c) => delete c.identifier,
    "unknown bundle key": (c) => (c.bundle.externalBinaries = [sidecar]),
    "version differs from app.json": (c) => (c.version = "9.9.9"),
  };
  let failed = 0;
  for (const [name, breakIt] of Object.entries(variants)) {
    const broken = clone(config);
    breakIt(broken);
    const problems = check(broken, capabilities, appJson);
    console.log(`${problems.length > 0 ? "ok  " : "FAIL"} rejected: ${name}${problems.length ? ` (${problems[0]})` : ""}`);
    if (problems.length === 0) failed++;
  }
  const noSpawn = capabilities.map(({ file, capability }) => ({
    file,
    capability: { ...capability, permissions: capability.permissions.filter((p) => p.identifier !== "shell:allow-spawn") },
  }));
  const problems = check(config, noSpawn, appJson);
  console.log(`${problems.length > 0 ? "ok  " : "FAIL"} rejected: capabilities without shell:allow-spawn`);
  if (problems.length === 0) failed++;
  console.log(`${Object.keys(variants).length + 1 - failed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

const problems = check(config, capabilities, appJson);
for (const p of problems) console.error(`tauri.conf.json: ${p}`);
console.log(
  problems.length === 0
    ? `tauri.conf.json is valid (schema: @tauri-apps/cli ${require("@tauri-apps/cli/package.json").version}); ` +
        `externalBin ${JSON.stringify(config.bundle.externalBin)}; sidecar spawn allowed by a capability`
    : `${problems.length} problem(s)`,
);
process.exit(problems.length === 0 ? 0 : 1);
