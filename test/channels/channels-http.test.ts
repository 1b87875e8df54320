// HTTP channel API against real PostgreSQL and Redis: publish with gapless offsets and idempotency,
// history paging, channel info, window counts, validation, auth, rate limits and retention.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pruneOnce } from '../../src/server/channels/retention.js';
import { silentLogger } from '../../src/server/logger.js';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { createTestDatabase, REDIS_URL, uid } from '../helpers/services.js';
import { type Api, api, range } from '../helpers/ws-client.js';

const KEY = `key-${uid(12)}`;

describe('channels over HTTP', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: TestServer;
  let http: Api;

  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer({
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: `t-${uid()}:`,
      API_KEYS: KEY,
      JWT_SECRET: 'x'.repeat(32),
      PUBLIC_CHANNELS: 'public-*',
      RATE_LIMIT_WINDOW: '1h',
      RATE_LIMIT_TOKEN: '4',
      RATE_LIMIT_API_KEY: '100000',
      RATE_LIMIT_ANONYMOUS: '100000',
    });
    http = api(server.url, KEY);
  });

  after(async () => {
    await server?.close();
    await db?.drop();
  });

  test('publish answers after commit with gapless offsets, also under concurrency', async () => {
    const channel = `room-${uid()}`;
    const first = await http.post(`/v1/channels/${channel}/messages`, { data: { n: 0 } });
    assert.equal(first.status, 201);
    assert.equal(first.body.channel, channel);
    assert.equal(first.body.offset, 1);
    assert.equal(typeof first.body.id, 'string');
    assert.equal(typeof first.body.ts, 'number');
    const results = await Promise.all(
      range(1, 40).map((n) => http.post(`/v1/channels/${channel}/messages`, { data: { n } })),
    );
    assert.ok(results.every((r) => r.status === 201));
    assert.deepEqual(
      results.map((r) => r.body.offset).sort((a, b) => a - b),
      range(2, 41),
    );
    const { rows } = await server.deps.db.query(
      'SELECT count(*)::int AS n, min("offset")::int AS lo, max("offset")::int AS hi FROM messages WHERE channel = $1',
      [channel],
    );
    assert.deepEqual(rows[0], { n: 41, lo: 1, hi: 41 });
  });

  test('a retried id returns the original message and writes nothing', async () => {
    const channel = `idem-${uid()}`;
    const a = await http.post(`/v1/channels/${channel}/messages`, { data: 'first', id: 'order-17' });
    const b = await http.post(`/v1/channels/${channel}/messages`, { data: 'second', id: 'order-17' });
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.equal(b.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(b.body, a.body);
    // Concurrent retries of one id, mixed with fresh messages, still store it once.
    const burst = await Promise.all(
      range(1, 20).map((n) =>
        http.post(`/v1/channels/${channel}/messages`, { data: n, ...(n % 2 ? { id: 'dup-1' } : {}) }),
      ),
    );
    const dupOffsets = new Set(burst.filter((_r, i) => (i + 1) % 2).map((r) => r.body.offset));
    assert.equal(dupOffsets.size, 1);
    const info = await http.get(`/v1/channels/${channel}`);
    assert.equal(info.body.count, 12);
    assert.equal(info.body.lastOffset, 12);
    const history = await http.get(`/v1/channels/${channel}/messages?limit=1000`);
    assert.deepEqual(
      history.body.messages.map((m: { offset: number }) => m.offset),
      range(1, 12),
    );
    assert.equal(history.body.messages[0].data, 'first');
  });

  test('history pages in offset order with next', async () => {
    const channel = `hist-${uid()}`;
    for (let n = 1; n <= 7; n++) await http.post(`/v1/channels/${channel}/messages`, { data: { n } });
    const page1 = await http.get(`/v1/channels/${channel}/messages?since=0&limit=3`);
    assert.deepEqual(
      page1.body.messages.map((m: { data: { n: number } }) => m.data.n),
      [1, 2, 3],
    );
    assert.equal(page1.body.next, 3);
    const page2 = await http.get(`/v1/channels/${channel}/messages?since=${page1.body.next}&limit=10`);
    assert.deepEqual(
      page2.body.messages.map((m: { offset: number }) => m.offset),
      [4, 5, 6, 7],
    );
    assert.equal(page2.body.next, 7);
    const empty = await http.get(`/v1/channels/${channel}/messages?since=7`);
    assert.deepEqual(empty.body, { messages: [], next: 7 });
    const fresh = await http.get(`/v1/channels/never-${uid()}`);
    assert.deepEqual(
      { count: fresh.body.count, lastOffset: fresh.body.lastOffset, presence: fresh.body.presence },
      { count: 0, lastOffset: 0, presence: 0 },
    );
  });

  test('window count agrees with COUNT(*) for any window', async () => {
    const channel = `count-${uid()}`;
    const ts: number[] = [];
    for (let n = 0; n < 12; n++) {
      const r = await http.post(`/v1/channels/${channel}/messages`, { data: n });
      ts.push(r.body.ts);
      if (n % 4 === 3) await new Promise((r) => setTimeout(r, 5));
    }
    const windows: [number, number][] = [
      [0, 8.64e15],
      [ts[0] as number, (ts[11] as number) + 1],
      [ts[4] as number, ts[8] as number],
      [(ts[11] as number) + 1, (ts[11] as number) + 1000],
      [ts[3] as number, ts[3] as number],
    ];
    for (const [from, to] of windows) {
      const r = await http.get(`/v1/channels/${channel}/count?from=${from}&to=${to}`);
      const { rows } = await server.deps.db.query(
        'SELECT count(*)::int AS n FROM messages WHERE channel = $1 AND created_at >= $2 AND created_at < $3',
        [channel, new Date(from), new Date(to)],
      );
      assert.equal(r.status, 200);
      assert.equal(r.body.count, rows[0]?.n, `window ${from}..${to}`);
    }
    const iso = await http.get(
      `/v1/channels/${channel}/count?from=${new Date(ts[0] as number).toISOString()}`,
    );
    assert.equal(iso.body.count, 12);
    const bad = await http.get(`/v1/channels/${channel}/count?from=yesterday`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid_query');
  });

  test('bad requests are 400s naming the problem', async () => {
    const bad = await http.post('/v1/channels/has*star/messages', { data: 1 });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid_channel');
    assert.match(bad.body.error.message, /letters, digits/);
    const noData = await http.post('/v1/channels/ok/messages', { nodata: 1 });
    assert.equal(noData.status, 400);
    assert.equal(noData.body.error.code, 'invalid_body');
    const badId = await http.post('/v1/channels/ok/messages', { data: 1, id: 42 });
    assert.equal(badId.body.error.code, 'invalid_id');
    const badJson = await http.post('/v1/channels/ok/messages', '{"data":');
    assert.equal(badJson.status, 400);
    assert.equal(badJson.body.error.code, 'invalid_json');
    const big = await http.post('/v1/channels/ok/messages', { data: 'x'.repeat(70 * 1024) });
    assert.equal(big.status, 413);
    assert.equal(big.body.error.code, 'message_too_large');
    const badLimit = await http.get('/v1/channels/ok/messages?limit=5000');
    assert.equal(badLimit.body.error.code, 'invalid_query');
  });

  test('auth: anonymous only reads public channels, tokens only their patterns', async () => {
    const anon = api(server.url);
    assert.equal((await anon.get(`/v1/channels/private-${uid()}`)).status, 401);
    assert.equal((await anon.get(`/v1/channels/public-${uid()}/messages`)).status, 200);
    const pub = await anon.post(`/v1/channels/public-${uid()}/messages`, { data: 1 });
    assert.equal(pub.status, 401);
    const wrongKey = await http.post('/v1/channels/x/messages', { data: 1 }, 'not-a-key');
    assert.equal(wrongKey.status, 401);
    const minted = await http.post('/v1/tokens', { subscribe: ['chat-*'], publish: ['chat-1'], ttl: 60 });
    assert.equal(minted.status, 201);
    const token = minted.body.token as string;
    assert.equal((await http.post('/v1/channels/chat-1/messages', { data: 1 }, token)).status, 201);
    const denied = await http.post('/v1/channels/chat-2/messages', { data: 1 }, token);
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, 'forbidden');
    assert.equal((await http.get('/v1/channels/other', token)).status, 403);
  });

  test('rate limit: 429 with Retry-After once a token used its window', async () => {
    const minted = await http.post('/v1/tokens', { subscribe: ['rl-*'], ttl: 60 });
    const token = minted.body.token as string;
    for (let i = 0; i < 4; i++) assert.equal((await http.get('/v1/channels/rl-1', token)).status, 200);
    const limited = await http.get('/v1/channels/rl-1', token);
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'rate_limited');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    // Other principals have their own budget.
    assert.equal((await http.get('/v1/channels/rl-1')).status, 200);
  });

  test('retention keeps the newest messages and the stored count in step', async () => {
    const channel = `ret-${uid()}`;
    for (let n = 1; n <= 15; n++) await http.post(`/v1/channels/${channel}/messages`, { data: n });
    const deleted = await pruneOnce(server.deps.db, { maxAgeMs: 0, maxMessages: 5 }, silentLogger());
    assert.ok(deleted >= 10);
    const info = await http.get(`/v1/channels/${channel}`);
    assert.deepEqual([info.body.count, info.body.lastOffset], [5, 15]);
    const history = await http.get(`/v1/channels/${channel}/messages`);
    assert.deepEqual(
      history.body.messages.map((m: { offset: number }) => m.offset),
      range(11, 15),
    );
    // Offsets continue after pruning; counting still matches the stored rows.
    const next = await http.post(`/v1/channels/${channel}/messages`, { data: 16 });
    assert.equal(next.body.offset, 16);
    const count = await http.get(`/v1/channels/${channel}/count`);
    assert.equal(count.body.count, 6);
    // Replicas pruning at once: each channel is pruned by one of them, counts stay exact.
    const many = `ret2-${uid()}`;
    for (let n = 1; n <= 30; n++) await http.post(`/v1/channels/${many}/messages`, { data: n });
    const limits = { maxAgeMs: 0, maxMessages: 4 };
    await Promise.all([1, 2, 3].map(() => pruneOnce(server.deps.db, limits, silentLogger())));
    const manyInfo = await http.get(`/v1/channels/${many}`);
    assert.deepEqual([manyInfo.body.count, manyInfo.body.lastOffset], [4, 30]);
    const stored = await server.deps.db.query('SELECT count(*)::int AS n FROM messages WHERE channel = $1', [
      many,
    ]);
    assert.equal(stored.rows[0]?.n, 4);
    // Age bound: everything is older than "now minus 0 ms"-ish cut at a future instant.
    await new Promise((r) => setTimeout(r, 20));
    await pruneOnce(server.deps.db, { maxAgeMs: 10, maxMessages: 0 }, silentLogger());
    const after = await http.get(`/v1/channels/${channel}`);
    assert.deepEqual([after.body.count, after.body.lastOffset], [0, 16]);
  });
});
