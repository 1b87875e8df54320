// Publishing in bulk against real PostgreSQL and Redis: POST /v1/publish-batch with per-item results, group
// commit across channels under concurrent HTTP, batch and WebSocket publishers (offsets gapless per channel,
// every offset delivered once and in order to a live subscriber), and WebSocket publish acknowledgements.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { createTestDatabase, REDIS_URL, uid } from '../helpers/services.js';
import { type Api, api, type Frame, offsets, range, WsClient } from '../helpers/ws-client.js';

const KEY = `key-${uid(12)}`;

describe('bulk publishing', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: TestServer;
  let http: Api;
  const wsUrl = (token = KEY) => `${server.url.replace('http', 'ws')}/v1/ws?token=${token}`;
  const stored = async (channel: string) => {
    const { rows } = await server.deps.db.query<{ offset: string }>(
      'SELECT "offset" FROM messages WHERE channel = $1 ORDER BY "offset"',
      [channel],
    );
    return rows.map((r) => Number(r.offset));
  };

  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer({
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: `t-${uid()}:`,
      API_KEYS: KEY,
      JWT_SECRET: 'x'.repeat(32),
      RATE_LIMIT_API_KEY: '100000',
      RATE_LIMIT_TOKEN: '100000',
      CHANNEL_MAX_DATA_SIZE: '1024',
    });
    http = api(server.url, KEY);
  });

  after(async () => {
    await server?.close();
    await db?.drop();
  });

  test('a batch answers per item, in order: one bad item never fails the others', async () => {
    const [a, b] = [`batch-a-${uid()}`, `batch-b-${uid()}`];
    const minted = await http.post('/v1/tokens', { publish: [`${a}`] });
    const token = minted.body.token as string;
    await http.post(`/v1/channels/${b}/messages`, { data: 'earlier', id: 'dup-1' });
    const messages = [
      { channel: a, data: { n: 1 } },
      { channel: 'bad channel!', data: 2 },
      { channel: b, data: { n: 3 } },
      { channel: a, data: 'x'.repeat(2000) },
      { channel: b, data: 'again', id: 'dup-1' },
      { channel: a, data: 4, id: '' },
      { channel: a, data: 5, extra: true },
      { channel: b, data: [6], id: 'fresh-6' },
      { channel: a, data: { n: 7 } },
    ];
    const res = await http.post('/v1/publish-batch', { messages });
    assert.equal(res.status, 200);
    const r = res.body.results as Record<string, unknown>[];
    assert.equal(r.length, messages.length);
    assert.deepEqual(
      r.map((x) => (x.error as { code?: string } | undefined)?.code ?? x.offset),
      [1, 'invalid_channel', 2, 'message_too_large', 1, 'invalid_id', 'invalid_body', 3, 2],
    );
    assert.deepEqual([r[1]?.status, r[3]?.status, r[3]?.channel], [400, 413, a]);
    assert.equal(r[4]?.replayed, true);
    assert.equal(r[7]?.id, 'fresh-6');
    assert.deepEqual(await stored(a), [1, 2]);
    assert.deepEqual(await stored(b), [1, 2, 3]);
    const history = await http.get(`/v1/channels/${b}/messages`);
    assert.deepEqual(
      history.body.messages.map((m: { data: unknown }) => m.data),
      ['earlier', { n: 3 }, [6]],
    );

    // A token publishes where its grant allows and is refused, per item, elsewhere.
    const scoped = await http.post(
      '/v1/publish-batch',
      {
        messages: [
          { channel: b, data: 1 },
          { channel: a, data: 2 },
        ],
      },
      token,
    );
    assert.equal(scoped.status, 200);
    assert.equal(scoped.body.results[0].error.code, 'forbidden');
    assert.equal(scoped.body.results[0].status, 403);
    assert.equal(scoped.body.results[1].offset, 3);
  });

  test('a body that is not a batch is refused as a whole', async () => {
    for (const body of [
      {},
      { messages: [] },
      { messages: {} },
      [],
      { messages: [{ channel: 'x', data: 1 }], more: 1 },
    ]) {
      const res = await http.post('/v1/publish-batch', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'invalid_body');
    }
    const tooMany = Array.from({ length: 1001 }, () => ({ channel: 'many', data: 1 }));
    assert.equal((await http.post('/v1/publish-batch', { messages: tooMany })).status, 400);
    // Without credentials every item is refused on its own (anonymous callers may not publish): 401 per item.
    const anonymous = await http.post('/v1/publish-batch', { messages: [{ channel: 'x', data: 1 }] }, '');
    assert.equal(anonymous.status, 200);
    assert.deepEqual(
      [anonymous.body.results[0].status, anonymous.body.results[0].error.code],
      [401, 'unauthorized'],
    );
    assert.equal(
      (await http.post('/v1/publish-batch', { messages: [{ channel: 'x', data: 1 }] }, 'wrong')).status,
      401,
    );
  });

  test('group commit across channels: concurrent publishers, offsets gapless per channel, delivered once in order', async () => {
    const channels = range(1, 12).map((n) => `group-${n}-${uid()}`);
    const watcher = await WsClient.connect(wsUrl());
    for (const channel of channels) {
      const reply = await watcher.request({ type: 'subscribe', channel }, 'subscribed');
      assert.equal(reply.type, 'subscribed');
    }
    const publishers = await Promise.all(range(1, 3).map(() => WsClient.connect(wsUrl())));
    const perWs = 40;
    const wsDone = publishers.map(async (ws, w) => {
      for (let k = 0; k < perWs; k++) {
        ws.send({
          type: 'publish',
          channel: channels[(w + k) % channels.length],
          data: { w, k },
          id: `ws-${w}-${k}`,
        });
      }
      await ws.waitFor(() => ws.frames.filter((f) => f.type === 'ack').length >= perWs, {
        timeoutMs: 30_000,
      });
      return ws.frames.filter((f) => f.type === 'ack' || f.type === 'error');
    });
    const httpDone = range(0, 47).map((k) =>
      http.post(`/v1/channels/${channels[k % channels.length]}/messages`, { data: { http: k } }),
    );
    const batchDone = range(0, 3).map((b) =>
      http.post('/v1/publish-batch', {
        messages: range(0, 29).map((k) => ({ channel: channels[(b + k) % channels.length], data: { b, k } })),
      }),
    );
    const [acks, singles, batches] = await Promise.all([
      Promise.all(wsDone),
      Promise.all(httpDone),
      Promise.all(batchDone),
    ]);
    assert.ok(singles.every((s) => s.status === 201));
    assert.ok(
      batches.every((b) => b.status === 200 && b.body.results.every((x: Frame) => Number(x.offset) > 0)),
    );
    const total = publishers.length * perWs + singles.length + 4 * 30;
    const perChannel = new Map<string, number[]>();
    for (const channel of channels) {
      const offs = await stored(channel);
      assert.deepEqual(offs, range(1, offs.length), `gapless offsets in ${channel}`);
      perChannel.set(channel, offs);
    }
    assert.equal(
      [...perChannel.values()].reduce((s, o) => s + o.length, 0),
      total,
    );
    // One connection's publishes to a channel are acknowledged in order, with increasing offsets.
    for (const list of acks) {
      assert.ok(list.every((f) => f.type === 'ack'));
      for (const channel of channels) {
        const mine = offsets(list.filter((f) => f.channel === channel));
        assert.deepEqual(
          mine,
          [...mine].sort((x, y) => x - y),
        );
      }
    }
    for (const channel of channels) {
      const got = await watcher.waitMessages(channel, perChannel.get(channel)?.length ?? 0, 30_000);
      assert.deepEqual(offsets(got), perChannel.get(channel), `live delivery of ${channel}`);
    }
    for (const ws of [watcher, ...publishers]) ws.close();
  });

  test('WebSocket publishes are acknowledged once committed; a bad frame gets an error with its id', async () => {
    const channel = `ws-ack-${uid()}`;
    const ws = await WsClient.connect(wsUrl());
    const ack = await ws.request({ type: 'publish', channel, data: { n: 1 }, id: 'first' }, 'ack');
    assert.deepEqual([ack.type, ack.channel, ack.id, ack.offset], ['ack', channel, 'first', 1]);
    assert.equal(typeof ack.ts, 'number');
    const replay = await ws.request({ type: 'publish', channel, data: 'other', id: 'first' }, 'ack');
    assert.deepEqual([replay.type, replay.offset], ['ack', 1]);
    const bad = await ws.request({ type: 'publish', channel, data: 'y'.repeat(2000), id: 'big' }, 'ack');
    assert.deepEqual([bad.type, bad.code, bad.id], ['error', 'message_too_large', 'big']);
    const next = await ws.request({ type: 'publish', channel, data: 2 }, 'ack');
    assert.deepEqual([next.type, next.offset], ['ack', 2]);
    assert.deepEqual(await stored(channel), [1, 2]);
    ws.close();
  });
});
