// The type test: a misspelled field or a wrong type must not compile. test/types/usage.ts holds such
// lines under `@ts-expect-error`; tsc must accept the file as it is, and must reject each of those
// lines once the directives are removed (which also shows that this check can fail).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { packageDir } from "./helpers.js";

const tscPath = join(packageDir, "node_modules", "typescript", "bin", "tsc");

async function tsc(project: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [tscPath, "--noEmit", "--pretty", "false", "-p", project], { cwd: packageDir });
    return { code: 0, output: stdout };
  } catch (err: any) {
    return { code: typeof err.code === "number" ? err.code : -1, output: `${err.stdout ?? ""}${err.stderr ?? ""}` };
  }
}

const fixtureDir = join(packageDir, "test", "types");
const source = readFileSync(join(fixtureDir, "usage.ts"), "utf8");
const directive = /^\s*\/\/ @ts-expect-error\b.*$/;

test("the typed client accepts correct use and each @ts-expect-error line is an error", async () => {
  const { code, output } = await tsc(fixtureDir);
  assert.equal(code, 0, output);
});

test("without the @ts-expect-error directives, tsc reports an error on exactly those lines", async () => {
  const lines = source.split("\n");
  const expected = lines.flatMap((line, i) => (directive.test(line) ? [i + 2] : [])); // 1-based line after the directive
  assert.ok(expected.length >= 10, `only ${expected.length} directives`);
  // Keep the line numbers: each directive becomes a plain comment.
  const stripped = lines.map((line) => (directive.test(line) ? "// (directive removed)" : line)).join("\n");

  // Same depth below packageDir as test/types, so the relative imports and `extends` still work.
  const dir = join(packageDir, "test-results", "types");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "usage.ts"), stripped);
  writeFileSync(join(dir, "tsconfig.json"), readFileSync(join(fixtureDir, "tsconfig.json")));

  const { code, output } = await tsc(dir);
  assert.notEqual(code, 0, "tsc must fail without the directives");
  const errorLines = [...output.matchAll(/usage\.ts\((\d+),\d+\): error TS\d+/g)].map((m) => Number(m[1]));
  assert.ok(errorLines.length > 0, output);
  assert.deepEqual([...new Set(errorLines)].sort((a, b) => a - b), expected, output);
});
