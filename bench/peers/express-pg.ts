// Peer: the smallest persisted-publish API a Node user would write with Express 5 and `pg`: one INSERT
// per request (autocommit) and `COUNT(*)` for counts, no offsets, idempotency or fan-out. It bounds what
// paasport's extra work costs. Table and column names come from env so counts can read paasport's table.
import express from 'express';
import pg from 'pg';

const port = Number(process.env.PORT ?? 0);
const table = process.env.PEER_TABLE ?? 'peer_messages';
const channelCol = process.env.PEER_CHANNEL_COL ?? 'channel';
const tsCol = process.env.PEER_TS_COL ?? 'created_at';
const ident = /^[a-z_][a-z0-9_.]*$/;
for (const name of [table, channelCol, tsCol])
  if (!ident.test(name)) throw new Error(`bad identifier ${name}`);

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_MAX ?? 10),
});
if (!process.env.PEER_TABLE) {
  await pool.query(
    `CREATE TABLE IF NOT EXISTS peer_messages (
       id bigserial PRIMARY KEY, channel text NOT NULL, data jsonb NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now())`,
  );
  await pool.query(
    'CREATE INDEX IF NOT EXISTS peer_messages_channel_ts ON peer_messages (channel, created_at)',
  );
}

const app = express();
app.use(express.json({ limit: '64kb' }));
app.get('/readyz', (_req, res) => {
  res.json({ status: 'ready' });
});
app.post('/v1/channels/:channel/messages', async (req, res) => {
  const { rows } = await pool.query(
    `INSERT INTO ${table} (${channelCol}, data) VALUES ($1, $2) RETURNING id, ${tsCol} AS ts`,
    [req.params.channel, JSON.stringify(req.body?.data ?? null)],
  );
  res.status(201).json({ channel: req.params.channel, id: String(rows[0].id), ts: rows[0].ts });
});
app.get('/v1/channels/:channel', async (req, res) => {
  const { rows } = await pool.query(`SELECT count(*)::bigint AS n FROM ${table} WHERE ${channelCol} = $1`, [
    req.params.channel,
  ]);
  res.json({ channel: req.params.channel, count: Number(rows[0].n) });
});
app.get('/v1/channels/:channel/count', async (req, res) => {
  const from = new Date(Number(req.query.from ?? 0));
  const to = new Date(Number(req.query.to ?? Date.now()));
  const { rows } = await pool.query(
    `SELECT count(*)::bigint AS n FROM ${table} WHERE ${channelCol} = $1 AND ${tsCol} >= $2 AND ${tsCol} < $3`,
    [req.params.channel, from, to],
  );
  res.json({ channel: req.params.channel, count: Number(rows[0].n) });
});

const server = app.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  void pool.end().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
});
