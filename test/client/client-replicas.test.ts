// The official client against two real replicas (PostgreSQL + Redis) behind a balancer, each restarted in turn
// (drain: close 1012) while a publisher, itself a client, publishes 300 numbered messages: the subscriber gets
// every message exactly once, in order, and both clients reconnected at least once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { type Client, createClient } from '../../src/client/index.js';
import {
  createTestDatabase,
  REDIS_URL,
  type ServerProcess,
  startServerProcess,
  uid,
  until,
} from '../helpers/services.js';
import { type Balancer, startBalancer } from './balancer.js';

const KEY = `key-${uid(16)}`;
const N = 300;

describe('client across replica restarts', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let balancer: Balancer;
  const replicas: ServerProcess[] = [];
  const clients: Client[] = [];
  let env: Record<string, string>;

  const start = async (port?: number) => {
    const srv = await startServerProcess(
      { ...env, ...(port ? { PORT: String(port) } : {}) },
      {
        readyTimeoutMs: 60_000,
      },
    );
    replicas.push(srv);
    return srv;
  };

  before(async () => {
    db = await createTestDatabase();
    env = {
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: `t${uid()}:`,
      API_KEYS: KEY,
      JWT_SECRET: uid(32),
      DRAIN_READINESS_WINDOW: '0s',
      DRAIN_TIMEOUT: '5s',
      RATE_LIMIT_ENABLED: 'false',
    };
  });
  after(async () => {
    for (const c of clients) c.close();
    await balancer?.close();
    await Promise.all(replicas.map((r) => r.stop('SIGKILL')));
    await db.drop();
  });

  it('delivers every message exactly once, in order, while each replica restarts', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    assert.ok(a && b);
    balancer = await startBalancer([a.port, b.port]);
    const mint = async () => {
      const res = await fetch(`${a.url}/v1/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ subscribe: ['numbers'], ttl: 600 }),
      });
      return (await res.json()) as { token: string; expiresAt: string };
    };
    const timing = { minDelayMs: 50, maxDelayMs: 1000, WebSocket };
    // The subscriber's tokens come from a callback (any replica verifies them: one JWT_SECRET).
    const reader = createClient({ url: balancer.url, token: mint, ...timing });
    const writer = createClient({ url: balancer.url, token: KEY, ...timing });
    clients.push(reader, writer);
    const reconnects = { reader: 0, writer: 0 };
    reader.on('state', (s) => {
      if (s.state === 'reconnecting') reconnects.reader++;
    });
    writer.on('state', (s) => {
      if (s.state === 'reconnecting') reconnects.writer++;
    });
    const got: number[] = [];
    const offsets: number[] = [];
    const gaps: unknown[] = [];
    const sub = reader.subscribe<number>('numbers', { since: 0 });
    sub.on('message', (m) => {
      got.push(m.data);
      offsets.push(m.offset);
    });
    sub.on('gap', (g) => gaps.push(g));

    let published = 0;
    const publishUpTo = async (n: number) => {
      for (; published < n; ) {
        const i = published + 1;
        const ack = await writer.publish('numbers', i, { id: `n-${i}` });
        assert.equal(ack.offset, i, 'publishes are stored in order, each once');
        published = i;
        await new Promise((r) => setTimeout(r, 5));
      }
    };

    await publishUpTo(100);
    // Rolling restart: A leaves the balancer and drains while messages keep coming; it comes back later.
    balancer.set([b.port]);
    const draining = publishUpTo(200);
    await a.stop();
    await draining;
    const a2 = await start(a.port);
    balancer.set([a2.port]);
    const draining2 = publishUpTo(N);
    await b.stop();
    await draining2;

    await until('every message at the subscriber', () => (got.length >= N ? true : undefined), 30_000);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(
      got,
      Array.from({ length: N }, (_, i) => i + 1),
      'each message once, in order',
    );
    assert.deepEqual(offsets, got);
    assert.deepEqual(gaps, []);
    assert.ok(reconnects.reader >= 1, `the subscriber reconnected (${reconnects.reader})`);
    assert.ok(reconnects.writer >= 1, `the publisher reconnected (${reconnects.writer})`);
    assert.equal(reader.state, 'open');
  });
});
