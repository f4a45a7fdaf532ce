// The settings store (issue 10) and the event stream (issue 11) as a JS team would grow the original Hono backend:
// Hono on @hono/node-server, better-sqlite3 (WAL, synchronous=FULL), and `streamSSE` for GET /events.
// A benchmark peer only: written the straightforward way, neither sabotaged nor tuned.
// Contract: PORT unset or 0 -> OS-assigned port on 127.0.0.1, `BACKEND_PORT:<port>` on stdout once listening,
// the database in BACKEND_DATA_DIR (the bench gives it a temp dir), the same routes and bodies as issue 10's table.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import appInfo from '../../../packages/shared/app.json' with { type: 'json' };

const CHANGE_LOG_SIZE = 1000; // changes kept for Last-Event-ID replay
const MAX_VALUE_BYTES = 1024 * 1024;
const MAX_KEY_BYTES = 256;
const PING_MS = 15_000;
const RETRY_MS = 2000;

const dataDir = process.env.BACKEND_DATA_DIR;
if (!dataDir) {
  process.stderr.write('BACKEND_DATA_DIR is not set\n');
  process.exit(2);
}
mkdirSync(dataDir, { recursive: true, mode: 0o700 });

// --- the store -------------------------------------------------------------------------------------------
const db = new Database(join(dataDir, 'settings.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec(`
  CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL, revision INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS changes (revision INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT, value TEXT);
  INSERT OR IGNORE INTO meta (name, value) VALUES ('revision', 0);
`);

const q = {
  get: db.prepare('SELECT value, revision FROM settings WHERE key = ?'),
  all: db.prepare('SELECT key, value FROM settings'),
  upsert: db.prepare(
    'INSERT INTO settings (key, value, revision) VALUES (?, ?, ?) ' +
      'ON CONFLICT(key) DO UPDATE SET value = excluded.value, revision = excluded.revision',
  ),
  del: db.prepare('DELETE FROM settings WHERE key = ?'),
  clear: db.prepare('DELETE FROM settings'),
  revision: db.prepare("SELECT value FROM meta WHERE name = 'revision'").pluck(),
  bump: db.prepare("UPDATE meta SET value = value + 1 WHERE name = 'revision' RETURNING value").pluck(),
  logChange: db.prepare('INSERT INTO changes (revision, kind, key, value) VALUES (?, ?, ?, ?)'),
  prune: db.prepare('DELETE FROM changes WHERE revision <= ?'),
  oldestChange: db.prepare('SELECT MIN(revision) FROM changes').pluck(),
  changesAfter: db.prepare('SELECT revision, kind, key, value FROM changes WHERE revision > ? ORDER BY revision'),
};

// One transaction per change: bump the revision, apply, append to the bounded change log.
const applyChange = db.transaction((kind, key, valueText) => {
  const revision = q.bump.get();
  if (kind === 'changed') q.upsert.run(key, valueText, revision);
  else if (kind === 'deleted') q.del.run(key);
  else q.clear.run();
  q.logChange.run(revision, kind, key, valueText);
  q.prune.run(revision - CHANGE_LOG_SIZE);
  return revision;
});

// --- change notification -----------------------------------------------------------------------------------
const subscribers = new Set(); // callbacks (event, id, data)

function eventOf(revision, kind, key, valueText) {
  if (kind === 'changed') return { event: 'settings.changed', id: String(revision), data: `{"key":${JSON.stringify(key)},"value":${valueText},"revision":${revision}}` };
  if (kind === 'deleted') return { event: 'settings.deleted', id: String(revision), data: JSON.stringify({ key, revision }) };
  return { event: 'settings.cleared', id: String(revision), data: JSON.stringify({ revision }) };
}

function publish(revision, kind, key, valueText) {
  const message = eventOf(revision, kind, key, valueText);
  for (const send of subscribers) send(message);
}

// --- HTTP ------------------------------------------------------------------------------------------------
const app = new Hono();
const encoder = new TextEncoder();
const startedAt = Date.now();

const fail = (c, status, error, message) => c.json({ error, message }, status);

app.onError((err, c) => {
  process.stderr.write(`error: ${err.stack ?? err}\n`);
  return fail(c, 500, 'internal_error', 'internal error');
});
app.notFound((c) => fail(c, 404, 'not_found', 'no such route'));

app.get('/health', (c) =>
  c.json({ status: 'ok', app: appInfo.name, timestamp: Date.now(), uptime: (Date.now() - startedAt) / 1000 }),
);

// Hono hands `:key` percent-decoded (`%2F` stays inside the parameter).
function keyOf(c) {
  let key;
  try {
    key = c.req.param('key');
  } catch {
    return null;
  }
  const bytes = encoder.encode(key).length;
  return bytes >= 1 && bytes <= MAX_KEY_BYTES ? key : null;
}

const etag = (revision) => `"${revision}"`;

app.get('/settings', (c) => {
  const entries = {};
  for (const row of q.all.all()) entries[row.key] = JSON.parse(row.value);
  return c.json({ entries, revision: q.revision.get() });
});

app.get('/settings/:key', (c) => {
  const key = keyOf(c);
  if (key === null) return fail(c, 400, 'bad_request', 'key must be 1-256 bytes of UTF-8');
  const row = q.get.get(key);
  if (!row) return fail(c, 404, 'not_found', 'no such key');
  c.header('ETag', etag(row.revision));
  return c.body(`{"key":${JSON.stringify(key)},"value":${row.value},"revision":${row.revision}}`, 200, {
    'Content-Type': 'application/json',
  });
});

app.put('/settings/:key', async (c) => {
  const key = keyOf(c);
  if (key === null) return fail(c, 400, 'bad_request', 'key must be 1-256 bytes of UTF-8');
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) return fail(c, 415, 'unsupported_media_type', 'send application/json');
  if (Number(c.req.header('content-length') ?? 0) > MAX_VALUE_BYTES + 64) {
    return fail(c, 413, 'payload_too_large', 'body over 1 MiB');
  }
  const text = await c.req.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch (e) {
    return fail(c, 400, 'bad_request', `malformed JSON: ${e.message}`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !('value' in body)) {
    return c.json({ error: 'unprocessable_entity', message: 'body must be {"value": <any JSON>}', pointer: '/value' }, 422);
  }
  const valueText = JSON.stringify(body.value);
  if (Buffer.byteLength(valueText) > MAX_VALUE_BYTES) return fail(c, 413, 'payload_too_large', 'value over 1 MiB');

  const current = q.get.get(key);
  const ifMatch = c.req.header('if-match');
  if (ifMatch !== undefined && ifMatch !== '*' && (!current || ifMatch.trim() !== etag(current.revision))) {
    return fail(c, 412, 'precondition_failed', 'the entry has another revision');
  }
  if (ifMatch === '*' && !current) return fail(c, 412, 'precondition_failed', 'no such key');
  if (c.req.header('if-none-match')?.trim() === '*' && current) {
    return fail(c, 412, 'precondition_failed', 'the key exists');
  }
  const revision = applyChange('changed', key, valueText);
  publish(revision, 'changed', key, valueText);
  c.header('ETag', etag(revision));
  return c.body(`{"key":${JSON.stringify(key)},"value":${valueText},"revision":${revision}}`, 200, {
    'Content-Type': 'application/json',
  });
});

app.delete('/settings/:key', (c) => {
  const key = keyOf(c);
  if (key === null) return fail(c, 400, 'bad_request', 'key must be 1-256 bytes of UTF-8');
  if (!q.get.get(key)) return fail(c, 404, 'not_found', 'no such key');
  const revision = applyChange('deleted', key, null);
  publish(revision, 'deleted', key, null);
  return c.body(null, 204);
});

app.delete('/settings', (c) => {
  const revision = applyChange('cleared', null, null);
  publish(revision, 'cleared', null, null);
  return c.body(null, 204);
});

app.get('/events', (c) => {
  const res = streamSSE(c, async (stream) => {
    const send = (m) => {
      stream.writeSSE(m).catch(() => {});
    };
    await stream.write(`retry: ${RETRY_MS}\n\n`);

    // Replay, then live. better-sqlite3 is synchronous, so no change can slip in between the query and the
    // subscription below.
    const lastId = c.req.header('last-event-id');
    if (lastId !== undefined) {
      const after = /^\d+$/.test(lastId) ? Number(lastId) : NaN;
      const current = q.revision.get();
      const oldest = q.oldestChange.get() ?? current + 1;
      if (!(after <= current && after >= oldest - 1)) {
        send({ event: 'resync', data: JSON.stringify({ revision: current }) });
      } else {
        for (const row of q.changesAfter.all(after)) send(eventOf(row.revision, row.kind, row.key, row.value));
      }
    }
    subscribers.add(send);
    const ping = setInterval(() => stream.write(': ping\n\n').catch(() => {}), PING_MS);

    await new Promise((resolve) => stream.onAbort(resolve));
    clearInterval(ping);
    subscribers.delete(send);
  });
  res.headers.set('Cache-Control', 'no-store'); // streamSSE sets no-cache; issue 11 asks for no-store
  return res;
});

serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT ?? 0) }, (info) => {
  process.stdout.write(`BACKEND_PORT:${info.port}\n`);
});

const stop = () => {
  db.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
