// WebSocket protocol on one replica (real PostgreSQL and Redis): publish with ack, subscribe and live
// delivery, recovery with `since` and its bound, the replay/live seam, presence events, malformed and
// oversize frames, slow consumers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ChannelStore } from '../../src/server/channels/store.js';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { createTestDatabase, REDIS_URL, uid } from '../helpers/services.js';
import { type Api, api, offsets, range, refusedWith, WsClient } from '../helpers/ws-client.js';

const KEY = `key-${uid(12)}`;

describe('channels over WebSocket', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: TestServer;
  let http: Api;
  let wsUrl: string;
  const clients: WsClient[] = [];
  const connect = async (token = KEY) => {
    const c = await WsClient.connect(`${wsUrl}?token=${encodeURIComponent(token)}`);
    clients.push(c);
    return c;
  };

  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer({
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: `t-${uid()}:`,
      API_KEYS: KEY,
      JWT_SECRET: 'y'.repeat(32),
      CHANNEL_RECOVERY_MAX: '50',
      CHANNEL_MAX_DATA_SIZE: '32KiB',
      WS_MAX_BUFFERED: '256KiB',
      RATE_LIMIT_ENABLED: 'false',
      CHANNEL_SYNC_INTERVAL: '300ms',
    });
    http = api(server.url, KEY);
    wsUrl = `${server.url.replace('http', 'ws')}/v1/ws`;
  });

  after(async () => {
    for (const c of clients) c.close();
    await server?.close();
    await db?.drop();
  });

  test('publish over WebSocket is acked after commit and delivered to subscribers', async () => {
    const channel = `live-${uid()}`;
    const sub = await connect();
    const subscribed = await sub.request({ type: 'subscribe', channel }, 'subscribed');
    assert.deepEqual(subscribed, { type: 'subscribed', channel, offset: 0, recovered: false });
    const pub = await connect();
    const ack = await pub.request({ type: 'publish', channel, data: { text: 'hi' }, id: 'm-1' }, 'ack');
    assert.equal(ack.id, 'm-1');
    assert.equal(ack.offset, 1);
    for (let n = 2; n <= 20; n++) pub.send({ type: 'publish', channel, data: { n } });
    const got = await sub.waitMessages(channel, 20);
    assert.deepEqual(offsets(got), range(1, 20));
    assert.deepEqual(got[0]?.data, { text: 'hi' });
    assert.equal(got[0]?.id, 'm-1');
    assert.equal(typeof got[0]?.ts, 'number');
    // An HTTP publish reaches the same subscriber.
    await http.post(`/v1/channels/${channel}/messages`, { data: 'via http' });
    const all = await sub.waitMessages(channel, 21);
    assert.equal(all[20]?.data, 'via http');
    const pong = await pub.request({ type: 'ping', id: 7 }, 'pong');
    assert.deepEqual(pong, { type: 'pong', id: 7 });
  });

  test('reconnect with since replays exactly the missed messages; beyond the bound recovered is false', async () => {
    const channel = `recover-${uid()}`;
    for (let n = 1; n <= 3; n++) await http.post(`/v1/channels/${channel}/messages`, { data: n });
    const first = await connect();
    const s1 = await first.request({ type: 'subscribe', channel }, 'subscribed');
    assert.equal(s1.offset, 3);
    first.close();
    for (let n = 4; n <= 8; n++) await http.post(`/v1/channels/${channel}/messages`, { data: n });

    const again = await connect();
    const s2 = await again.request({ type: 'subscribe', channel, since: 3 }, 'subscribed');
    assert.deepEqual(s2, { type: 'subscribed', channel, offset: 8, recovered: true });
    const replayed = await again.waitMessages(channel, 5);
    assert.deepEqual(offsets(replayed), [4, 5, 6, 7, 8]);
    await http.post(`/v1/channels/${channel}/messages`, { data: 9 });
    assert.deepEqual(offsets(await again.waitMessages(channel, 6)), range(4, 9));

    // 51 missed with a bound of 50: no replay, the client is told to reload.
    for (let n = 10; n <= 60; n++) await again.request({ type: 'publish', channel, data: n }, 'ack');
    const late = await connect();
    const s3 = await late.request({ type: 'subscribe', channel, since: 9 }, 'subscribed');
    assert.deepEqual(s3, { type: 'subscribed', channel, offset: 60, recovered: false });
    await http.post(`/v1/channels/${channel}/messages`, { data: 61 });
    assert.deepEqual(offsets(await late.waitMessages(channel, 1)), [61]);
    const upToDate = await connect();
    const s4 = await upToDate.request({ type: 'subscribe', channel, since: 61 }, 'subscribed');
    assert.equal(s4.recovered, true);
  });

  test('no gap and no duplicate at the seam between replay and live', async () => {
    const channel = `seam-${uid()}`;
    const pub = await connect();
    for (let n = 1; n <= 5; n++) await pub.request({ type: 'publish', channel, data: n }, 'ack');
    // Publishes go out in pipelined bursts of 10 that each wait for their acks, so the channel's head is
    // known within one burst whatever the machine's load. A subscriber joins (since 5) right before a burst
    // is sent, so its replay races live messages of that burst: those joining at heads 15..35 miss at most
    // 40 < CHANNEL_RECOVERY_MAX (50) by construction, the one joining at 105 misses more than that.
    const acked = () => pub.frames.filter((f) => f.type === 'ack').length;
    const joinAt = new Set([15, 25, 35, 105]);
    const subs = new Map<number, WsClient>();
    for (let first = 6; first <= 196; first += 10) {
      if (joinAt.has(first - 1)) {
        const c = await connect();
        c.send({ type: 'subscribe', channel, since: 5 });
        subs.set(first - 1, c);
      }
      const before = acked();
      for (let n = first; n < first + 10; n++) pub.send({ type: 'publish', channel, data: n });
      await pub.waitFor(() => acked() >= before + 10, { timeoutMs: 15_000 });
    }
    assert.equal(acked(), 205);
    for (const [joined, c] of subs) {
      const s = await c.waitFor((f) => f.type === 'subscribed');
      assert.equal(s.recovered, joined < 50, `subscriber joining at ${joined}: ${JSON.stringify(s)}`);
      // Recovered: everything after since. Too far behind: everything after the announced offset.
      const start = s.recovered ? 6 : Number(s.offset) + 1;
      const got = await c.waitMessages(channel, 205 - start + 1);
      assert.deepEqual(offsets(got), range(start, 205));
    }
  });

  test('a message committed without any bus notice still reaches subscribers (sync sweep)', async () => {
    const channel = `quiet-${uid()}`;
    const sub = await connect();
    await sub.request({ type: 'subscribe', channel }, 'subscribed');
    // Written straight to PostgreSQL, as if the bus had dropped the notice and nothing followed it.
    await new ChannelStore(server.deps.db).append(channel, [
      { id: 'silent', data: '"quiet"', clientId: true },
    ]);
    const [m] = await sub.waitMessages(channel, 1);
    assert.deepEqual([m?.offset, m?.id, m?.data], [1, 'silent', 'quiet']);
  });

  test('presence: members, counts, join and leave events', async () => {
    const channel = `pres-${uid()}`;
    const watcher = await connect();
    await watcher.request({ type: 'subscribe', channel, presence: true }, 'subscribed');
    const minted = await http.post('/v1/tokens', { subscribe: [channel], ttl: 60, sub: 'user-42' });
    const member = await connect(minted.body.token);
    await member.request({ type: 'subscribe', channel }, 'subscribed');
    const joined = await watcher.waitFor(
      (f) =>
        f.type === 'presence' && f.joined !== undefined && (f.joined as { user: string }).user === 'user-42',
    );
    assert.equal(joined.channel, channel);
    const members = await http.get(`/v1/channels/${channel}/presence`);
    assert.equal(members.body.count, 2);
    assert.ok(members.body.members.some((m: { user: string }) => m.user === 'user-42'));
    assert.equal((await http.get(`/v1/channels/${channel}`)).body.presence, 2);
    const bye = await member.request({ type: 'unsubscribe', channel }, 'unsubscribed');
    assert.equal(bye.channel, channel);
    const left = await watcher.waitFor((f) => f.type === 'presence' && f.left !== undefined);
    assert.equal((left.left as { user: string }).user, 'user-42');
    assert.equal((await http.get(`/v1/channels/${channel}/presence`)).body.count, 1);
  });

  test('malformed frames get error frames and the connection stays up', async () => {
    const c = await connect();
    const cases: [string, string][] = [
      ['{not json', 'invalid_json'],
      ['[1,2]', 'invalid_frame'],
      [JSON.stringify({ channel: 'x' }), 'invalid_frame'],
      [JSON.stringify({ type: 'dance' }), 'unknown_type'],
      [JSON.stringify({ type: 'subscribe', channel: 'bad name' }), 'invalid_channel'],
      [JSON.stringify({ type: 'subscribe', channel: 'ok', since: -1 }), 'invalid_offset'],
      [JSON.stringify({ type: 'publish', channel: 'ok' }), 'invalid_frame'],
      [JSON.stringify({ type: 'publish', channel: 'ok', data: 'x'.repeat(40 * 1024) }), 'message_too_large'],
      [JSON.stringify({ type: 'unsubscribe', channel: 'never' }), 'not_subscribed'],
    ];
    for (const [frame, code] of cases) {
      const from = c.frames.length;
      c.send(frame);
      const err = await c.waitFor((f) => f.type === 'error', { from });
      assert.equal(err.code, code, `frame ${frame.slice(0, 60)}`);
      assert.equal(typeof err.message, 'string');
    }
    const pong = await c.request({ type: 'ping' }, 'pong');
    assert.equal(pong.type, 'pong');
  });

  test('auth on the socket: tokens limit channels, no credentials are refused', async () => {
    // Refused upgrades are accepted and closed at once, so browsers can read the code and reason too.
    const anonymous = await refusedWith(wsUrl);
    assert.equal(anonymous.code, 4401);
    assert.match(anonymous.reason, /^unauthorized: /);
    const nonsense = await refusedWith(`${wsUrl}?token=nonsense`);
    assert.equal(nonsense.code, 4401);
    assert.match(nonsense.reason, /^invalid_credentials: /);
    const minted = await http.post('/v1/tokens', { subscribe: ['news'], publish: [], ttl: 60 });
    const c = await connect(minted.body.token);
    assert.equal((await c.request({ type: 'subscribe', channel: 'news' }, 'subscribed')).type, 'subscribed');
    const denied = await c.request({ type: 'subscribe', channel: 'secret' }, 'subscribed');
    assert.deepEqual([denied.type, denied.code, denied.channel], ['error', 'forbidden', 'secret']);
    const noPublish = await c.request({ type: 'publish', channel: 'news', data: 1, id: 'p1' }, 'ack');
    assert.deepEqual([noPublish.code, noPublish.id], ['forbidden', 'p1']);
  });

  test('a frame above the frame limit closes with 1009; the server stays up', async () => {
    const c = await connect();
    // The limit is WS_MAX_PAYLOAD (64KiB), raised to 2 x CHANNEL_MAX_DATA_SIZE + 16KiB = 80KiB.
    c.send('x'.repeat(81 * 1024));
    const closed = await c.closed;
    assert.equal(closed.code, 1009);
    const d = await connect();
    assert.equal((await d.request({ type: 'ping' }, 'pong')).type, 'pong');
  });

  test('a burst above the buffer cap within one tick does not drop a consumer that reads', async () => {
    const channel = `burst-${uid()}`;
    const reader = await connect();
    await reader.request({ type: 'subscribe', channel }, 'subscribed');
    const pub = await connect();
    // 100 x 30 KB published back to back are committed as a few batches and written within a tick each.
    const data = 'b'.repeat(30 * 1024);
    for (let n = 1; n <= 100; n++) pub.send({ type: 'publish', channel, data });
    assert.deepEqual(offsets(await reader.waitMessages(channel, 100)), range(1, 100));
    assert.equal(reader.ws.readyState, reader.ws.OPEN);
  });

  test('a consumer that stops reading is closed with 1013 "slow consumer"', async () => {
    const channel = `slow-${uid()}`;
    const slow = await connect();
    await slow.request({ type: 'subscribe', channel }, 'subscribed');
    const fast = await connect();
    await fast.request({ type: 'subscribe', channel }, 'subscribed');
    const socket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const data = 'z'.repeat(30 * 1024);
    let dropped = false;
    for (let i = 0; i < 1200 && !dropped; i++) {
      await http.post(`/v1/channels/${channel}/messages`, { data });
      if (i % 10 === 9) {
        const metrics = await fetch(`${server.url}/metrics`).then((r) => r.text());
        dropped = /paasport_slow_consumers_total [1-9]/.test(metrics);
      }
    }
    assert.ok(dropped, 'the slow consumer was dropped');
    socket.resume();
    const closed = await slow.closed;
    assert.deepEqual(closed, { code: 1013, reason: 'slow consumer' });
    // The consumer that kept reading is unaffected and received everything in order.
    const last = (await http.get(`/v1/channels/${channel}`)).body.lastOffset as number;
    assert.deepEqual(offsets(await fast.waitMessages(channel, last)), range(1, last));
  });
});
