// Redis paused with SIGSTOP (sockets stay open, nothing answers) under two replicas: publishes still commit
// and are acknowledged, rate limits fail open, the other replica delivers from PostgreSQL, readiness names
// redis, the log holds one line per outage and recovery, and all resumes after SIGCONT. Redis unreachable
// or paused at start: the server listens degraded within the connect timeout and connects later.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startRedis } from '../../scripts/test-services.mjs';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { type CapturedLog, captureLog } from '../helpers/log-capture.js';
import { type OwnRedis, ownRedis } from '../helpers/redis-server.js';
import { createTestDatabase, uid, until } from '../helpers/services.js';
import { api, offsets, range, WsClient } from '../helpers/ws-client.js';

const PUBLISHER = `pub-key-${uid(12)}`;
const SUBSCRIBER = `sub-key-${uid(12)}`;
const LATER = `later-key-${uid(12)}`;

interface Ready {
  status: string;
  failing?: string[];
  checks: Record<string, { ok: boolean; error?: string }>;
}

async function readyz(url: string): Promise<{ status: number; body: Ready }> {
  const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as Ready };
}

describe('redis paused under two replicas', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const replicas: { srv: TestServer; log: CapturedLog }[] = [];
  const clients: WsClient[] = [];

  before(async () => {
    [redis, db] = await Promise.all([startRedis(), createTestDatabase()]);
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      API_KEYS: `${PUBLISHER},${SUBSCRIBER},${LATER}`,
      REDIS_COMMAND_TIMEOUT: '500ms',
      READINESS_TIMEOUT: '1s',
      RATE_LIMIT_API_KEY: '4',
      RATE_LIMIT_WINDOW: '10m',
      CHANNEL_SYNC_INTERVAL: '300ms',
      BUS_PROBE_INTERVAL: '200ms',
    };
    for (let i = 0; i < 2; i++) {
      const log = captureLog();
      replicas.push({ srv: await startTestServer(env, log.log), log });
    }
  });
  after(async () => {
    process.kill(redis.pid, 'SIGCONT');
    for (const c of clients) c.close();
    await Promise.all(replicas.map(({ srv }) => srv.close()));
    await redis.stop();
    await db.drop();
  });

  it('keeps publishing and delivering, fails limits open, reports and recovers', async (t) => {
    const [a, b] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    const channel = `paused-${uid()}`;
    const path = `/v1/channels/${channel}/messages`;
    const http = api(a.srv.url, PUBLISHER);
    const sub = await WsClient.connect(`${b.srv.url.replace('http', 'ws')}/v1/ws?token=${SUBSCRIBER}`);
    clients.push(sub);
    assert.equal((await sub.request({ type: 'subscribe', channel }, 'subscribed')).type, 'subscribed');

    // The shared limit is live before the pause: 4 per window, the fifth is refused.
    for (let i = 1; i <= 4; i++) assert.equal((await http.post(path, { data: i })).status, 201);
    assert.equal((await http.post(path, { data: 'over' })).status, 429);
    assert.deepEqual(offsets(await sub.waitMessages(channel, 4)), range(1, 4));

    process.kill(redis.pid, 'SIGSTOP');
    const pausedAt = performance.now();
    const acked: number[] = [];
    for (let i = 5; i <= 7; i++) {
      const started = performance.now();
      const res = await http.post(path, { data: i });
      assert.equal(res.status, 201, `publish ${i} during the pause: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.offset, i);
      acked.push(Math.round(performance.now() - started));
    }
    t.diagnostic(`publish acks while Redis is paused: ${acked.join(', ')} ms`);
    // Replica b hears nothing through Redis: its sync sweep reads the commits from PostgreSQL.
    assert.deepEqual(offsets(await sub.waitMessages(channel, 7)), range(1, 7));

    for (const { srv } of replicas) {
      const down = await until('readiness to name redis', async () => {
        const r = await readyz(srv.url);
        return r.status === 503 ? r : undefined;
      });
      assert.equal(down.body.status, 'unavailable');
      assert.deepEqual(down.body.failing, ['redis']);
      assert.ok(down.body.checks.redis?.error, 'the failing check says why');
    }
    t.diagnostic(`readiness 503 naming redis ${Math.round(performance.now() - pausedAt)} ms after the pause`);
    const probe = performance.now();
    assert.equal((await readyz(a.srv.url)).status, 503);
    t.diagnostic(`one /readyz answer while paused: ${Math.round(performance.now() - probe)} ms`);

    process.kill(redis.pid, 'SIGCONT');
    for (const { srv } of replicas) {
      await until('readiness to recover', async () =>
        (await readyz(srv.url)).status === 200 ? true : undefined,
      );
    }
    // The limit applies again (the count survived in Redis), and the bus carries new messages again.
    assert.equal((await http.post(path, { data: 'limited again' })).status, 429);
    assert.equal((await api(a.srv.url, LATER).post(path, { data: 8 })).status, 201);
    assert.deepEqual(offsets(await sub.waitMessages(channel, 8)), range(1, 8));

    for (const { log } of replicas) {
      await until('the recovery line', () => (log.count('redis recovered') > 0 ? true : undefined));
      assert.equal(log.count('redis unavailable'), 1, 'one line for the outage');
      assert.equal(log.count('redis recovered'), 1, 'one line for the recovery');
      const errors = log.lines().filter((l) => l.level >= 50);
      assert.deepEqual(errors, [], 'no error lines (stack traces) for the outage');
    }
  });
});

describe('redis not answering at start', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db.drop();
  });

  for (const mode of ['stopped', 'paused'] as const) {
    it(`listens degraded within the connect timeout when Redis is ${mode}, and connects later`, async (t) => {
      // Stopped: the port refuses connections. Paused: connections open but nothing ever answers.
      const redis = mode === 'stopped' ? await ownRedis() : await startRedis();
      if (mode === 'stopped') await (redis as OwnRedis).stop();
      const pid = 'pid' in redis ? redis.pid : undefined;
      if (pid !== undefined) process.kill(pid, 'SIGSTOP');
      const log = captureLog();
      const started = performance.now();
      const srv = await startTestServer(
        {
          DATABASE_URL: db.url,
          REDIS_URL: redis.url,
          API_KEYS: PUBLISHER,
          REDIS_CONNECT_TIMEOUT: '1s',
          REDIS_COMMAND_TIMEOUT: '500ms',
        },
        log.log,
      );
      try {
        t.diagnostic(`listening ${Math.round(performance.now() - started)} ms after start, Redis ${mode}`);
        const down = await readyz(srv.url);
        assert.equal(down.status, 503);
        assert.deepEqual(down.body.failing, ['redis']);
        assert.equal(log.count('redis unavailable'), 1);
        assert.ok(
          log.lines().some((l) => String(l.msg).startsWith('serving degraded without redis')),
          'the degraded start is logged',
        );
        // Publishing works without Redis: PostgreSQL has the message.
        const res = await api(srv.url, PUBLISHER).post(`/v1/channels/c-${uid()}/messages`, { data: 1 });
        assert.equal(res.status, 201);

        if (pid !== undefined) process.kill(pid, 'SIGCONT');
        else await (redis as OwnRedis).start();
        await until('readiness once Redis answers', async () =>
          (await readyz(srv.url)).status === 200 ? true : undefined,
        );
        await until('the recovery line', () => (log.count('redis recovered') === 1 ? true : undefined));
      } finally {
        await srv.close();
        if (pid !== undefined) process.kill(pid, 'SIGCONT');
        await redis.stop();
      }
    });
  }
});
