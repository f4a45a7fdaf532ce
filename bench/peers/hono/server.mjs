// The backend as the original plan had it: Hono on @hono/node-server. Kept as a benchmark peer only;
// `bun build --compile` turns this same file into the "Hono compiled by Bun" peer.
// Contract (the same as the C++ server's): PORT unset or 0 -> OS-assigned port on 127.0.0.1,
// prints `BACKEND_PORT:<port>` on stdout once listening, GET /health -> {status, app, timestamp, uptime}.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import appInfo from '../../../packages/shared/app.json' with { type: 'json' };

const app = new Hono();

app.get('/health', (c) =>
  c.json({
    status: 'ok',
    app: appInfo.name,
    timestamp: Date.now(),
    uptime: process.uptime(),
  }),
);

serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT ?? 0) }, (info) => {
  process.stdout.write(`BACKEND_PORT:${info.port}\n`);
});
