// Peer: the naive floor of persisted publishing, plain node:http and `pg` with one INSERT per request
// (autocommit), no framework, no batching, no offsets, idempotency, auth or fan-out. What a committed
// publish costs at least on this machine when every request pays its own round trip and commit.
import { createServer } from 'node:http';
import pg from 'pg';

const port = Number(process.env.PORT ?? 0);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query(
  `CREATE TABLE IF NOT EXISTS peer_messages (
     id bigserial PRIMARY KEY, channel text NOT NULL, data jsonb NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now())`,
);
await pool.query(
  'CREATE INDEX IF NOT EXISTS peer_messages_channel_ts ON peer_messages (channel, created_at)',
);

const PUBLISH = /^\/v1\/channels\/([^/]+)\/messages$/;

const server = createServer((req, res) => {
  const m = req.method === 'POST' ? PUBLISH.exec(req.url ?? '') : null;
  if (!m) {
    res.writeHead(req.url === '/readyz' ? 200 : 404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const channel = decodeURIComponent(m[1] as string);
    let data: unknown;
    try {
      data = (JSON.parse(Buffer.concat(chunks).toString()) as { data?: unknown }).data ?? null;
    } catch {
      res.writeHead(400).end();
      return;
    }
    pool
      .query('INSERT INTO peer_messages (channel, data) VALUES ($1, $2) RETURNING id, created_at', [
        channel,
        JSON.stringify(data),
      ])
      .then(
        ({ rows }) => {
          const body = JSON.stringify({ channel, id: String(rows[0].id), ts: rows[0].created_at });
          res.writeHead(201, { 'content-type': 'application/json' }).end(body);
        },
        () => res.writeHead(503).end(),
      );
  });
});
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  void pool.end().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
});
