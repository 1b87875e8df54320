// Hostile input against the real server (PostgreSQL, Redis, in-process replica): a deeply nested ping id,
// a lone-surrogate id inside a busy batch, data nested 4,500 levels deep, subscribe and unsubscribe back to
// back, and a seeded fuzz of WebSocket frames and HTTP publishes: no crash, no 5xx, every frame answered once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { fuzzBody, fuzzFrame, seeded } from '../helpers/fuzz-inputs.js';
import { createTestDatabase, REDIS_URL, startServerProcess, uid } from '../helpers/services.js';
import { type Api, api, type Frame, WsClient } from '../helpers/ws-client.js';

const KEY = `key-${uid(12)}`;
const ANSWERS = new Set(['pong', 'subscribed', 'unsubscribed', 'ack', 'error']);
const nestedText = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('hostile channel input', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: TestServer;
  let limited: TestServer;
  let http: Api;
  const clients: WsClient[] = [];
  const connect = async (baseUrl: string, token?: string) => {
    const query = token === undefined ? '' : `?token=${encodeURIComponent(token)}`;
    const c = await WsClient.connect(`${baseUrl.replace('http', 'ws')}/v1/ws${query}`);
    clients.push(c);
    return c;
  };
  const answers = (c: WsClient, from = 0) => c.frames.slice(from).filter((f) => ANSWERS.has(f.type));

  before(async () => {
    db = await createTestDatabase();
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL,
      API_KEYS: KEY,
      JWT_SECRET: 'z'.repeat(32),
      PUBLIC_CHANNELS: 'public-*',
    };
    server = await startTestServer({ ...env, REDIS_KEY_PREFIX: `t-${uid()}:`, RATE_LIMIT_ENABLED: 'false' });
    // The defaults: every frame waits for its rate-limit decision.
    limited = await startTestServer({
      ...env,
      REDIS_KEY_PREFIX: `t-${uid()}:`,
      RATE_LIMIT_ANONYMOUS: '100000',
      RATE_LIMIT_API_KEY: '100000',
    });
    http = api(server.url, KEY);
  });

  after(async () => {
    for (const c of clients) c.close();
    await server?.close();
    await limited?.close();
    await db?.drop();
  });

  test('a 40 KB nested ping id is refused; the replica stays up and the socket keeps answering', async () => {
    const frame = `{"type":"ping","id":${nestedText(20_000)}}`;
    assert.ok(frame.length > 40_000);
    // A replica of its own process, as deployed: an unhandled throw would end it.
    const replica = await startServerProcess({
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: `t-${uid()}:`,
      JWT_SECRET: 'z'.repeat(32),
      PUBLIC_CHANNELS: 'public-*',
      RATE_LIMIT_ENABLED: 'false',
    });
    try {
      for (const url of [replica.url, limited.url]) {
        // Anonymous: public channels let anyone connect.
        const c = await connect(url);
        const from = c.frames.length;
        c.send(frame);
        const err = await c.waitFor((f) => f.type === 'error', { from });
        assert.deepEqual([err.code, err.field], ['invalid_id', 'id']);
        assert.deepEqual(await c.request({ type: 'ping', id: 'after' }, 'pong'), {
          type: 'pong',
          id: 'after',
        });
        assert.equal((await fetch(`${url}/healthz`)).status, 200);
      }
      assert.equal(replica.proc.exitCode, null, replica.output());
    } finally {
      await replica.stop();
    }
  });

  test('200 concurrent publishes with one lone-surrogate id: 199 stored once, the bad one 400', async () => {
    const channel = `batch-${uid()}`;
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, n) =>
        http.post(`/v1/channels/${channel}/messages`, { data: { n }, id: n === 100 ? '\ud800' : `m-${n}` }),
      ),
    );
    const bad = results[100];
    assert.equal(bad?.status, 400);
    assert.deepEqual([bad?.body.error.code, bad?.body.error.field], ['invalid_id', 'id']);
    const good = results.filter((_, n) => n !== 100);
    assert.deepEqual(
      good.filter((r) => r.status !== 201).map((r) => [r.status, r.body]),
      [],
    );
    const { rows } = await server.deps.db.query<{ n: number; ids: number; hi: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids, max("offset")::int AS hi FROM messages WHERE channel = $1',
      [channel],
    );
    assert.deepEqual(rows[0], { n: 199, ids: 199, hi: 199 });
  });

  test('the same bad id over WebSocket is refused alone while its neighbours are acked', async () => {
    const channel = `ws-batch-${uid()}`;
    const c = await connect(server.url, KEY);
    const from = c.frames.length;
    for (let n = 0; n < 20; n++) {
      c.send({ type: 'publish', channel, data: n, id: n === 7 ? 'x\udfff' : `w-${n}` });
    }
    await c.waitFor(() => answers(c, from).length >= 20);
    const got = answers(c, from);
    assert.deepEqual(
      got.filter((f) => f.type === 'error').map((f) => [f.code, f.field]),
      [['invalid_id', 'id']],
    );
    assert.equal(got.filter((f) => f.type === 'ack').length, 19);
  });

  test('data nested 4,500 levels deep, or with a lone surrogate, is a 400 naming the field', async () => {
    const channel = `deep-${uid()}`;
    const deep = await http.post(`/v1/channels/${channel}/messages`, `{"data":${nestedText(4500)}}`);
    assert.equal(deep.status, 400);
    assert.deepEqual([deep.body.error.code, deep.body.error.field], ['invalid_data', 'data']);
    const lone = await http.post(`/v1/channels/${channel}/messages`, { data: { text: 'a\ud83d' } });
    assert.equal(lone.status, 400);
    assert.deepEqual([lone.body.error.code, lone.body.error.field], ['invalid_data', 'data.text']);
    const c = await connect(server.url, KEY);
    const from = c.frames.length;
    c.send(`{"type":"publish","channel":"${channel}","data":${nestedText(4500)},"id":"d"}`);
    const err = await c.waitFor((f) => f.type === 'ack' || f.type === 'error', { from });
    assert.deepEqual([err.type, err.code, err.field, err.id], ['error', 'invalid_data', 'data', 'd']);
    assert.equal((await http.get(`/v1/channels/${channel}`)).body.lastOffset, 0);
  });

  test('subscribe then unsubscribe back to back: both answered, in order', async () => {
    const channel = `flip-${uid()}`;
    const c = await connect(server.url, KEY);
    const from = c.frames.length;
    c.send({ type: 'subscribe', channel });
    c.send({ type: 'unsubscribe', channel });
    c.send({ type: 'subscribe', channel, since: 0 });
    await c.waitFor(() => answers(c, from).length >= 3);
    assert.deepEqual(
      answers(c, from).map((f) => f.type),
      ['subscribed', 'unsubscribed', 'subscribed'],
    );
    // Subscribed once: a message arrives exactly once.
    await http.post(`/v1/channels/${channel}/messages`, { data: 'once' });
    await c.waitMessages(channel, 1);
    assert.deepEqual(await c.request({ type: 'ping' }, 'pong'), { type: 'pong' });
    assert.equal(c.messages(channel).length, 1);
  });

  test('seeded fuzz: 2,000 frames and 500 HTTP publishes, no 5xx, every frame answered once', async () => {
    const rand = seeded(0xc0ffee);
    const c = await connect(server.url, KEY);
    const from = c.frames.length;
    let sent = 0;
    for (let i = 0; i < 2000; i++) {
      const f = fuzzFrame(rand);
      if (typeof f === 'string' && Buffer.byteLength(f) > 60_000) continue;
      if (typeof f === 'string') c.send(f);
      else c.ws.send(f, { binary: true });
      sent++;
      if (i % 100 === 99) await c.waitFor(() => answers(c, from).length >= sent, { timeoutMs: 20_000 });
    }
    await c.waitFor(() => answers(c, from).length >= sent, { timeoutMs: 20_000 });
    const got = answers(c, from);
    assert.equal(got.length, sent, 'one answer per frame');
    const internal = got.filter(
      (f: Frame) => f.type === 'error' && (f.code === 'internal' || f.code === 'publish_failed'),
    );
    assert.deepEqual(internal, []);
    assert.ok(got.some((f) => f.type === 'ack') && got.some((f) => f.type === 'error'));

    const statuses = new Map<number, number>();
    for (let i = 0; i < 500; i += 10) {
      const batch = Array.from({ length: 10 }, () => fuzzBody(rand));
      const results = await Promise.all(
        batch.map(({ channel, body }) =>
          fetch(`${server.url}/v1/channels/${channel}/messages`, {
            method: 'POST',
            headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
            body,
            signal: AbortSignal.timeout(15_000),
          }).then(async (r) => [r.status, await r.text()] as const),
        ),
      );
      for (const [status, text] of results) {
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        assert.ok(status < 500, `${status} ${text.slice(0, 200)}`);
      }
    }
    assert.ok((statuses.get(201) ?? 0) > 0 && (statuses.get(400) ?? 0) > 0, JSON.stringify([...statuses]));
    assert.equal(c.ws.readyState, c.ws.OPEN);
    assert.deepEqual(await c.request({ type: 'ping', id: 'end' }, 'pong'), { type: 'pong', id: 'end' });
  });
});
