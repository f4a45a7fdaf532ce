// Shared by the tests: starting the real backend binary, reading its handshake, and checking bodies
// against the OpenAPI document.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020Module from "ajv/dist/2020.js";
import { parseHandshakeLine } from "../src/index.js";

export const packageDir = fileURLToPath(new URL("../..", import.meta.url));
export const repoRoot = fileURLToPath(new URL("../../../..", import.meta.url));
export const specPath = fileURLToPath(new URL("../../../shared/openapi.json", import.meta.url));
export const spec = JSON.parse(readFileSync(specPath, "utf8")) as Record<string, any>;

/** The binary under test: BACKEND_BIN, or what scripts/ensure-backend.mjs built. */
export function backendBin(): string {
  const exe = process.platform === "win32" ? ".exe" : "";
  return process.env.BACKEND_BIN || fileURLToPath(new URL(`../../../../build/dev/apps/backend/backend${exe}`, import.meta.url));
}

export function randomToken(): string {
  return randomBytes(24).toString("base64url");
}

export interface RunningBackend {
  port: number;
  /** The handshake line exactly as read, terminator included. */
  handshake: string;
  child: ChildProcess;
  /** Everything the backend wrote to stdout and stderr so far (after the handshake line). */
  output(): string;
  /** Asks for a graceful shutdown (SIGTERM, or the stdin line "shutdown") and resolves with the exit code. */
  stop(how?: "signal" | "stdin"): Promise<number | null>;
}

/**
 * Starts the backend and reads its handshake as the desktop host does: the first line of stdout,
 * `BACKEND_PORT:<port>` and a line terminator, which is removed before parsing.
 * `env` entries replace the inherited ones; BACKEND_TOKEN and BACKEND_ALLOWED_ORIGINS are only set
 * when given. Unless `env` names one, BACKEND_DATA_DIR is a fresh temporary folder, removed once the backend
 * exits: tests never touch the real app data folder.
 */
export async function startBackend(env: Record<string, string> = {}, timeoutMs = 20_000): Promise<RunningBackend> {
  const childEnv: Record<string, string | undefined> = { ...process.env };
  delete childEnv.BACKEND_TOKEN;
  delete childEnv.BACKEND_ALLOWED_ORIGINS;
  Object.assign(childEnv, env);
  const ownDataDir = env.BACKEND_DATA_DIR === undefined ? mkdtempSync(join(tmpdir(), "backend-client-test-")) : undefined;
  if (ownDataDir) childEnv.BACKEND_DATA_DIR = ownDataDir;
  const child = spawn(backendBin(), [], { env: childEnv, stdio: ["pipe", "pipe", "pipe"] });
  // "close", not "exit": the handshake code below drops its "exit" listeners.
  if (ownDataDir) child.once("close", () => rmSync(ownDataDir, { recursive: true, force: true }));
  let output = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => (output += chunk));

  const handshake = await new Promise<string>((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => fail(new Error(`no handshake line within ${timeoutMs} ms; stderr: ${output}`)), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      child.kill("SIGKILL");
      reject(err);
    };
    const onData = (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf("\n");
      if (newline < 0) return;
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      output += buffered.slice(newline + 1);
      child.stdout!.on("data", (more: string) => (output += more));
      resolve(buffered.slice(0, newline + 1));
    };
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", onData);
    child.once("error", fail);
    child.once("exit", (code, signal) => fail(new Error(`backend exited (${code ?? signal}) before its handshake; stderr: ${output}`)));
  });
  child.removeAllListeners("exit");
  const port = parseHandshakeLine(handshake);

  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    port,
    handshake,
    child,
    output: () => output,
    async stop(how = "signal") {
      if (child.exitCode === null && child.signalCode === null) {
        if (how === "stdin") child.stdin!.write("shutdown\n");
        else child.kill("SIGTERM");
      }
      const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}

const Ajv2020 = Ajv2020Module.default ?? Ajv2020Module;
const ajv = new Ajv2020({ strict: false, allErrors: true, formats: { int64: true } });
ajv.addSchema(spec, "openapi.json");

/** Asserts that `value` matches the schema at `pointer` (a JSON pointer into the OpenAPI document). */
export function assertMatchesSchema(value: unknown, pointer: string): void {
  const validate = ajv.getSchema(`openapi.json#${pointer}`);
  if (!validate) throw new Error(`no schema at ${pointer}`);
  if (!validate(value)) {
    throw new Error(`${JSON.stringify(value)} does not match ${pointer}: ${ajv.errorsText(validate.errors)}`);
  }
}

/** Splits a comma-separated header value into lower-case items. */
export function headerList(value: string | null): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
    .sort();
}
