// Regression test for silent delivery holes with several publishing replicas: three server processes, one
// of them 60 ms (round trip) from PostgreSQL through a delaying proxy, publish concurrently to one channel
// at about 100 messages/s while subscribers on every replica check they get every offset once and in order.
// A second round restarts Redis mid-stream, so replicas must fill what the bus lost from PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type LatencyProxy, startLatencyProxy } from '../helpers/latency-proxy.js';
import { type OwnRedis, ownRedis } from '../helpers/redis-server.js';
import {
  createTestDatabase,
  type ServerProcess,
  startServerProcess,
  uid,
  until,
} from '../helpers/services.js';
import { type Frame, offsets, range, WsClient } from '../helpers/ws-client.js';

const KEY = `key-${uid(12)}`;
const SUBSCRIBERS_PER_REPLICA = 2;

/** What a subscriber got that breaks "every offset 1..total once, in order" (gap frames included). */
function problems(frames: Frame[], channel: string, total: number): string[] {
  const got = offsets(frames.filter((f) => f.type === 'message' && f.channel === channel));
  const out: string[] = [];
  const missing = range(1, total).filter((o) => !got.includes(o));
  if (missing.length > 0) out.push(`${missing.length} missing, first ${missing.slice(0, 10).join(',')}`);
  const order = got.findIndex((o, i) => i > 0 && o <= (got[i - 1] ?? 0));
  if (order >= 0) out.push(`out of order or repeated at ${got[order - 1]} -> ${got[order]}`);
  const gaps = frames.filter((f) => f.type === 'gap');
  if (gaps.length > 0) out.push(`gap frames ${JSON.stringify(gaps)}`);
  return out;
}

describe('fan-out with concurrent publishers on three replicas, one far from PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let redis: OwnRedis;
  let proxy: LatencyProxy;
  let replicas: ServerProcess[] = [];
  const clients: WsClient[] = [];

  const connect = async (replica: ServerProcess) => {
    const url = `${replica.url.replace('http', 'ws')}/v1/ws?token=${encodeURIComponent(KEY)}`;
    const c = await WsClient.connect(url);
    clients.push(c);
    return c;
  };

  before(async () => {
    [db, redis] = await Promise.all([createTestDatabase(), ownRedis()]);
    const direct = new URL(db.url);
    proxy = await startLatencyProxy({ host: direct.hostname, port: Number(direct.port || 5432) }, 30);
    const far = new URL(db.url);
    far.hostname = '127.0.0.1';
    far.port = String(proxy.port);
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `t-${uid()}:`,
      API_KEYS: KEY,
      JWT_SECRET: 'z'.repeat(32),
      BUS_PROBE_INTERVAL: '500ms',
      // No safety sweep: the gap fill and resync paths alone must make every subscriber whole.
      CHANNEL_SYNC_INTERVAL: '1h',
      RATE_LIMIT_ENABLED: 'false',
    };
    // The first one migrates; the far one starts against the migrated database.
    replicas = [await startServerProcess(env, { readyTimeoutMs: 45_000 })];
    replicas.push(
      ...(await Promise.all([
        startServerProcess({ ...env, DATABASE_URL: far.toString() }, { readyTimeoutMs: 45_000 }),
        startServerProcess(env, { readyTimeoutMs: 45_000 }),
      ])),
    );
  });

  after(async () => {
    for (const c of clients) c.close();
    await Promise.all(replicas.map((r) => r.stop()));
    await proxy?.close();
    await redis?.stop();
    await db?.drop();
  });

  /** Subscribes SUBSCRIBERS_PER_REPLICA clients on every replica to a fresh channel. */
  async function subscribers(channel: string): Promise<WsClient[]> {
    const subs: WsClient[] = [];
    for (const r of replicas) {
      for (let i = 0; i < SUBSCRIBERS_PER_REPLICA; i++) {
        const c = await connect(r);
        const reply = await c.request({ type: 'subscribe', channel }, 'subscribed');
        assert.deepEqual([reply.type, reply.offset], ['subscribed', 0], JSON.stringify(reply));
        subs.push(c);
      }
    }
    return subs;
  }

  /** Publishes `rounds` messages through each replica, one per replica every 30 ms; resolves once all are acked. */
  async function publish(channel: string, rounds: number, during?: (round: number) => Promise<void>) {
    const publishers = await Promise.all(replicas.map((r) => connect(r)));
    for (let n = 0; n < rounds; n++) {
      publishers.forEach((p, i) => {
        p.send({ type: 'publish', channel, data: { replica: i, n }, id: `${i}-${n}` });
      });
      await during?.(n);
      await new Promise((r) => setTimeout(r, 30));
    }
    const acked = (p: WsClient) => p.frames.filter((f) => f.type === 'ack').length;
    await until(
      'every publish to be acknowledged',
      () => (publishers.every((p) => acked(p) === rounds) ? true : undefined),
      30_000,
    );
    for (const p of publishers)
      assert.deepEqual(
        p.frames.filter((f) => f.type === 'error'),
        [],
      );
  }

  async function expectWhole(subs: WsClient[], channel: string, total: number): Promise<void> {
    const reached = (c: WsClient) =>
      c.frames.some(
        (f) => (f.type === 'message' && f.offset === total) || (f.type === 'gap' && Number(f.to) >= total),
      );
    await until(
      'every subscriber to reach the last offset',
      () => (subs.every(reached) ? true : undefined),
      30_000,
    ).catch(() => {});
    const report = subs.flatMap((c, i) =>
      problems(c.frames, channel, total).map(
        (p) => `replica ${Math.floor(i / SUBSCRIBERS_PER_REPLICA)}: ${p}`,
      ),
    );
    assert.deepEqual(report, []);
  }

  test('every subscriber on every replica gets every offset once, in order', async () => {
    const channel = `race-${uid()}`;
    const subs = await subscribers(channel);
    const rounds = 200;
    await publish(channel, rounds);
    await expectWhole(subs, channel, rounds * replicas.length);
  });

  test('the same across a Redis restart mid-stream: what the bus lost is read from PostgreSQL', async () => {
    const channel = `restart-${uid()}`;
    const subs = await subscribers(channel);
    const rounds = 150;
    await publish(channel, rounds, async (n) => {
      if (n === 50) await redis.stop();
      if (n === 80) await redis.start();
    });
    await expectWhole(subs, channel, rounds * replicas.length);
  });
});
