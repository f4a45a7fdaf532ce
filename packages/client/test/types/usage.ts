// Compile-time checks of the typed client: `tsc --noEmit -p test/types` must pass, and each
// `@ts-expect-error` line below must really be an error (test/types.test.ts removes the directives
// and expects tsc to report exactly one error on each of those lines).
import { createBackendClient, createSettingsClient, waitUntilHealthy, type Health, type JsonValue } from "../../src/index.js";

export async function usage(port: number, token: string): Promise<void> {
  const client = createBackendClient({ port, token });

  const { data, error } = await client.GET("/health");
  if (data) {
    const status: "ok" = data.status;
    const timestamp: number = data.timestamp;
    const uptime: number = data.uptime;
    const app: string = data.app;
    void [status, timestamp, uptime, app];
    // @ts-expect-error misspelled field
    void data.uptme;
    // @ts-expect-error wrong type: timestamp is a number
    const when: string = data.timestamp;
    void when;
    // @ts-expect-error status is the constant "ok"
    if (data.status === "healthy") return;
  }
  if (error) {
    const code: string = error.error;
    void code;
    // @ts-expect-error the error body has no `code` field
    void error.code;
    // @ts-expect-error not one of the error codes
    if (error.error === "teapot") return;
  }

  // @ts-expect-error misspelled path
  await client.GET("/helth");
  // @ts-expect-error no POST route
  await client.POST("/health");
  // @ts-expect-error a preflight needs its Origin header
  await client.OPTIONS("/health", { params: { header: { "Access-Control-Request-Method": "GET" } } });

  // @ts-expect-error the port is a number
  createBackendClient({ port: "1420" });
  // @ts-expect-error misspelled option
  createBackendClient({ port, tokn: token });

  // @ts-expect-error misspelled option
  const health: Health = await waitUntilHealthy(client, { atempts: 3 });
  // @ts-expect-error a Health has no `version` field
  const wrong: Health = { status: "ok", app: "x", timestamp: 1, uptime: 0, version: "1" };
  void [health, wrong];

  // The settings helpers (hand-typed after the pinned API of issue 10; see src/settings.ts).
  const settings = createSettingsClient({ port, token });
  const entry = await settings.put("theme", { dark: true });
  const revision: number = entry.revision;
  const dark: { dark: boolean } = entry.value;
  void [revision, dark];
  // @ts-expect-error a value is JSON: a function is not
  await settings.put("theme", () => 1);
  // @ts-expect-error ifMatch is a revision number, not an ETag string
  await settings.put("theme", 1, { ifMatch: '"3"' });
  // @ts-expect-error get may find nothing: the entry can be undefined
  const found: { revision: number } = await settings.get("theme");
  void found;
  settings.subscribe({
    onEvent(event) {
      if (event.type === "settings.changed") {
        const value: JsonValue = event.data.value;
        void value;
      } else if (event.type === "settings.deleted") {
        // @ts-expect-error a deletion carries no value
        void event.data.value;
      }
      // @ts-expect-error not an event of the stream
      if (event.type === "settings.renamed") return;
    },
  });
}
