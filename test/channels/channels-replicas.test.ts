// Three server processes sharing one PostgreSQL and one Redis (a redis-server of this test's own, so
// killing its pub/sub connections disturbs nobody else): cross-replica delivery in order, recovery on
// another replica, Redis subscriber kills without gaps, presence and counts, idempotency, rate limits,
// and presence expiry after a replica crashes.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'redis';
import {
  createTestDatabase,
  freePort,
  type ServerProcess,
  startServerProcess,
  uid,
} from '../helpers/services.js';
import { type Api, api, type Frame, offsets, range, refusedWith, WsClient } from '../helpers/ws-client.js';

const KEY = `key-${uid(12)}`;

async function startRedis(): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const client = createClient({ url, socket: { reconnectStrategy: false } });
    client.on('error', () => {});
    const ok = await client.connect().then(
      async () => {
        await client.ping();
        await client.close();
        return true;
      },
      () => false,
    );
    if (ok) return { url, proc };
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  throw new Error('redis-server did not start');
}

describe('channels across replicas', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let redis: { url: string; proc: ChildProcess };
  let replicas: ServerProcess[] = [];
  let http: Api[];
  const clients: WsClient[] = [];
  const connect = async (i: number, token = KEY) => {
    const url = `${replicas[i]?.url.replace('http', 'ws')}/v1/ws?token=${encodeURIComponent(token)}`;
    const c = await WsClient.connect(url);
    clients.push(c);
    return c;
  };
  const subscribe = async (c: WsClient, frame: Record<string, unknown>): Promise<Frame> => {
    const reply = await c.request({ type: 'subscribe', ...frame }, 'subscribed');
    assert.equal(reply.type, 'subscribed', JSON.stringify(reply));
    return reply;
  };

  before(async () => {
    [db, redis] = await Promise.all([createTestDatabase(), startRedis()]);
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `t-${uid()}:`,
      API_KEYS: KEY,
      JWT_SECRET: 'z'.repeat(32),
      PRESENCE_TTL: '1500ms',
      PRESENCE_HEARTBEAT: '300ms',
      BUS_PROBE_INTERVAL: '500ms',
      // The safety sweep is pushed out so these tests prove the gap fill and resync paths.
      CHANNEL_SYNC_INTERVAL: '1h',
      RATE_LIMIT_WINDOW: '1h',
      RATE_LIMIT_TOKEN: '5',
      RATE_LIMIT_API_KEY: '1000000',
      RATE_LIMIT_ANONYMOUS: '1000000',
    };
    // The first one migrates; the others start against the migrated database.
    replicas = [await startServerProcess(env, { readyTimeoutMs: 45_000 })];
    replicas.push(
      ...(await Promise.all([1, 2].map(() => startServerProcess(env, { readyTimeoutMs: 45_000 })))),
    );
    http = replicas.map((r) => api(r.url, KEY));
  });

  after(async () => {
    for (const c of clients) c.close();
    await Promise.all(replicas.map((r) => r.stop()));
    redis?.proc.kill('SIGKILL');
    await db?.drop();
  });

  test('subscribers on A and C receive what B publishes, in offset order', async () => {
    const channel = `x-${uid()}`;
    const a = await connect(0);
    const c = await connect(2);
    await subscribe(a, { channel });
    await subscribe(c, { channel });
    const b = await connect(1);
    for (let n = 1; n <= 80; n++) b.send({ type: 'publish', channel, data: { n } });
    // Interleave publishes from the other replicas too.
    await Promise.all(
      range(81, 100).map((n) => http[n % 3]?.post(`/v1/channels/${channel}/messages`, { data: { n } })),
    );
    for (const sub of [a, c]) assert.deepEqual(offsets(await sub.waitMessages(channel, 100)), range(1, 100));
  });

  test('reconnecting to another replica with since recovers exactly the missed messages', async () => {
    const channel = `r-${uid()}`;
    const first = await connect(0);
    await subscribe(first, { channel });
    await http[1]?.post(`/v1/channels/${channel}/messages`, { data: 1 });
    await first.waitMessages(channel, 1);
    first.close();
    for (let n = 2; n <= 8; n++) await http[1]?.post(`/v1/channels/${channel}/messages`, { data: n });
    const again = await connect(2);
    const s = await subscribe(again, { channel, since: 1 });
    assert.deepEqual([s.offset, s.recovered], [8, true]);
    assert.deepEqual(offsets(await again.waitMessages(channel, 7)), range(2, 8));
  });

  test('killing the Redis pub/sub connections while publishing: delivery resumes without gaps', async () => {
    const channel = `k-${uid()}`;
    const subs = [await connect(0), await connect(1), await connect(2)];
    for (const s of subs) await subscribe(s, { channel });
    const admin = createClient({ url: redis.url });
    await admin.connect();
    const total = 300;
    for (let n = 1; n <= total; n++) {
      const r = await http[1]?.post(`/v1/channels/${channel}/messages`, { data: { n } });
      assert.equal(r?.status, 201);
      if (n === 100 || n === 200) await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
    }
    await admin.close();
    for (const s of subs)
      assert.deepEqual(offsets(await s.waitMessages(channel, total, 30_000)), range(1, total));
    // Nothing arrived twice either.
    for (const s of subs) assert.equal(s.messages(channel).length, total);
    // Every replica noticed the lost subscription and re-read from PostgreSQL.
    for (const r of replicas) {
      const metrics = await fetch(`${r.url}/metrics`).then((res) => res.text());
      assert.match(metrics, /paasport_gap_fills_total\{reason="resync"\} [1-9]/);
    }
  });

  test('idempotent retries on different replicas store one message', async () => {
    const channel = `i-${uid()}`;
    const ws = await connect(2);
    const [r0, r1, ack] = await Promise.all([
      http[0]?.post(`/v1/channels/${channel}/messages`, { data: 'x', id: 'same' }),
      http[1]?.post(`/v1/channels/${channel}/messages`, { data: 'x', id: 'same' }),
      ws.request({ type: 'publish', channel, data: 'x', id: 'same' }, 'ack'),
    ]);
    assert.equal(r0?.body.offset, 1);
    assert.equal(r1?.body.offset, 1);
    assert.equal(ack.offset, 1);
    const info = await http[2]?.get(`/v1/channels/${channel}`);
    assert.deepEqual([info?.body.count, info?.body.lastOffset], [1, 1]);
  });

  test('presence and counts agree on every replica', async () => {
    const channel = `p-${uid()}`;
    const watcher = await connect(0);
    await subscribe(watcher, { channel, presence: true });
    const token = (await http[0]?.post('/v1/tokens', { subscribe: [channel], ttl: 60, sub: 'u-b' }))?.body
      .token;
    const onB = await connect(1, token);
    await subscribe(onB, { channel });
    await watcher.waitFor((f) => f.type === 'presence' && (f.joined as { user?: string })?.user === 'u-b');
    for (const h of http) {
      const p = await h.get(`/v1/channels/${channel}/presence`);
      assert.equal(p.body.count, 2);
      assert.deepEqual(
        p.body.members.map((m: { user: string | null }) => m.user).sort(),
        [null, 'u-b'].sort(),
      );
    }
    for (let n = 1; n <= 3; n++) await http[n - 1]?.post(`/v1/channels/${channel}/messages`, { data: n });
    const infos = await Promise.all(http.map((h) => h.get(`/v1/channels/${channel}`)));
    for (const i of infos) assert.deepEqual([i.body.count, i.body.lastOffset, i.body.presence], [3, 3, 2]);
  });

  test('rate limits are shared by the replicas: HTTP 429 and WebSocket error frames', async () => {
    const mint = async () =>
      (await http[0]?.post('/v1/tokens', { subscribe: ['rl-*'], ttl: 60 }))?.body.token;
    const t1 = await mint();
    for (let i = 0; i < 5; i++) assert.equal((await http[i % 3]?.get('/v1/channels/rl-1', t1))?.status, 200);
    const limited = await http[2]?.get('/v1/channels/rl-1', t1);
    assert.equal(limited?.status, 429);
    assert.ok(Number(limited?.headers.get('retry-after')) >= 1);
    const upgrade = await refusedWith(`${replicas[1]?.url.replace('http', 'ws')}/v1/ws?token=${t1}`);
    assert.equal(upgrade.code, 4429);
    assert.match(upgrade.reason, /^rate_limited \(retry after \d+ ms\): /);

    const t2 = await mint();
    const onA = await connect(0, t2); // 1
    const onB = await connect(1, t2); // 2
    assert.equal((await onA.request({ type: 'ping' }, 'pong')).type, 'pong'); // 3
    assert.equal((await onB.request({ type: 'ping' }, 'pong')).type, 'pong'); // 4
    assert.equal((await onA.request({ type: 'ping' }, 'pong')).type, 'pong'); // 5
    const refused = await onB.request({ type: 'ping' }, 'pong');
    assert.deepEqual([refused.type, refused.code], ['error', 'rate_limited']);
    assert.ok(Number(refused.retryAfterMs) > 0);
  });

  test("a crashed replica's presence entries expire and leave events are sent", async () => {
    const channel = `crash-${uid()}`;
    const watcher = await connect(0);
    await subscribe(watcher, { channel, presence: true });
    const token = (await http[0]?.post('/v1/tokens', { subscribe: [channel], ttl: 60, sub: 'doomed' }))?.body
      .token;
    const onC = await connect(2, token);
    await subscribe(onC, { channel });
    await watcher.waitFor((f) => f.type === 'presence' && (f.joined as { user?: string })?.user === 'doomed');
    assert.equal((await http[1]?.get(`/v1/channels/${channel}`))?.body.presence, 2);
    await replicas[2]?.stop('SIGKILL');
    const left = await watcher.waitFor(
      (f) => f.type === 'presence' && (f.left as { user?: string })?.user === 'doomed',
      { timeoutMs: 15_000 },
    );
    assert.equal(left.channel, channel);
    assert.equal((await http[1]?.get(`/v1/channels/${channel}`))?.body.presence, 1);
  });

  test('SIGTERM drains a replica: its sockets close with 1012 and it exits 0', async () => {
    const channel = `drain-${uid()}`;
    const onB = await connect(1);
    await subscribe(onB, { channel, presence: true });
    const code = await replicas[1]?.stop('SIGTERM');
    assert.equal((await onB.closed).code, 1012);
    assert.equal(code, 0);
    // Its presence entry left with it.
    assert.equal((await http[0]?.get(`/v1/channels/${channel}`))?.body.presence, 0);
  });
});
