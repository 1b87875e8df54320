// The lean publish route answers exactly as the Express route: each request is sent twice to a real server,
// once with a Content-Length (taken by the lean route) and once chunked (left to Express), and the two
// answers must agree in status, error, headers and what was stored.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServerOnTestDatabase, type TestServer } from '../helpers/app.js';
import { uid } from '../helpers/services.js';
import { api } from '../helpers/ws-client.js';

const KEY = `key-${uid(12)}`;
const ORIGIN = 'https://app.example.com';
/** Headers whose values differ per answer by nature; ETag is the one Express adds and the lean route does not. */
const VARYING = new Set([
  'date',
  'etag',
  'x-request-id',
  'content-length',
  'ratelimit-remaining',
  'keep-alive',
]);

type Answer = { status: number; body: Record<string, unknown>; headers: Headers };

describe('lean publish route', () => {
  let server: TestServer;

  before(async () => {
    server = await startServerOnTestDatabase(KEY, {
      CORS_ORIGINS: ORIGIN,
      CHANNEL_MAX_DATA_SIZE: '1KiB',
      RATE_LIMIT_WINDOW: '1h',
      RATE_LIMIT_TOKEN: '2',
      RATE_LIMIT_API_KEY: '100000',
    });
  });

  after(() => server?.close());

  /** The same request with a declared length (lean) and as a chunked stream (Express). */
  async function both(
    path: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<[Answer, Answer]> {
    const send = async (chunked: boolean): Promise<Answer> => {
      const payload = chunked
        ? new ReadableStream({
            start(c) {
              c.enqueue(new TextEncoder().encode(body));
              c.close();
            },
          })
        : body;
      const res = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: payload,
        ...(chunked ? { duplex: 'half' } : {}),
        signal: AbortSignal.timeout(15_000),
      } as RequestInit);
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : {}, headers: res.headers };
    };
    return [await send(false), await send(true)];
  }

  const names = (h: Headers) => [...h.keys()].filter((k) => !VARYING.has(k)).sort();
  const values = (h: Headers) => names(h).map((k) => `${k}: ${h.get(k)}`);

  function assertSame([lean, express]: [Answer, Answer], status: number, code?: string): void {
    assert.equal(lean.status, status, JSON.stringify(lean.body));
    assert.equal(express.status, status, JSON.stringify(express.body));
    assert.deepEqual(values(lean.headers), values(express.headers));
    assert.equal(lean.headers.get('etag'), null, 'answered by the lean route');
    if (status < 300) assert.notEqual(express.headers.get('etag'), null, 'answered by Express');
    if (code === undefined) {
      assert.deepEqual(Object.keys(lean.body).sort(), Object.keys(express.body).sort());
      return;
    }
    const [a, b] = [lean.body.error, express.body.error] as Record<string, unknown>[];
    assert.equal(a?.code, code);
    assert.equal(b?.code, code);
    assert.equal(a?.field, b?.field);
    if (code !== 'invalid_json') assert.equal(a?.message, b?.message);
  }

  test('publishes with the same answer, offsets following each other, and replays by id', async () => {
    const channel = `lean-${uid()}`;
    const auth = { authorization: `Bearer ${KEY}` };
    const [lean, express] = await both(`/v1/channels/${channel}/messages`, '{"data":{"n":1}}', auth);
    assertSame([lean, express], 201);
    assert.deepEqual([lean.body.offset, express.body.offset], [1, 2]);
    assert.equal(lean.body.channel, channel);
    const first = await api(server.url, KEY).post(`/v1/channels/${channel}/messages`, {
      data: 1,
      id: 'fixed-id',
    });
    assert.equal(first.status, 201);
    const again = await both(`/v1/channels/${channel}/messages`, '{"data":1,"id":"fixed-id"}', auth);
    assertSame(again, 201);
    assert.equal(again[0].headers.get('idempotent-replayed'), 'true');
    assert.deepEqual([again[0].body.offset, again[1].body.offset], [first.body.offset, first.body.offset]);
    const stored = await api(server.url, KEY).get(`/v1/channels/${channel}`);
    assert.equal(stored.body.count, 3);
  });

  test('refuses bad input with the same error', async () => {
    const path = `/v1/channels/lean-${uid()}/messages`;
    const auth = { authorization: `Bearer ${KEY}` };
    assertSame(await both(path, '{"data":1,"extra":true}', auth), 400, 'invalid_body');
    assertSame(await both(path, '[1,2]', auth), 400, 'invalid_body');
    assertSame(await both(path, '', auth), 400, 'invalid_body');
    assertSame(await both(path, '{"data":', auth), 400, 'invalid_json');
    assertSame(await both(path, '"text"', auth), 400, 'invalid_json');
    assertSame(await both(path, `{"data":"${'x'.repeat(2000)}"}`, auth), 413, 'message_too_large');
    assertSame(await both(path, '{"data":1,"id":""}', auth), 400);
    assertSame(
      await both(`/v1/channels/${'c'.repeat(300)}/messages`, '{"data":1}', auth),
      400,
      'invalid_channel',
    );
    const count = await api(server.url, KEY).get(path.replace(/\/messages$/, ''));
    assert.equal(count.body.count, 0, 'nothing refused was stored');
  });

  test('refuses callers the same way: bad key, missing grant, rate limit', async () => {
    const path = `/v1/channels/lean-${uid()}/messages`;
    assertSame(
      await both(path, '{"data":1}', { authorization: 'Bearer wrong-key' }),
      401,
      'invalid_credentials',
    );
    const http = api(server.url, KEY);
    const readOnly = (await http.post('/v1/tokens', { subscribe: ['*'], ttl: 60 })).body.token as string;
    assertSame(await both(path, '{"data":1}', { authorization: `Bearer ${readOnly}` }), 403, 'forbidden');
    const limited = (await http.post('/v1/tokens', { publish: ['*'], ttl: 60 })).body.token as string;
    const auth = { authorization: `Bearer ${limited}` };
    const spent = await both(path, '{"data":1}', auth);
    assert.deepEqual([spent[0].status, spent[1].status], [201, 201]);
    const refused = await both(path, '{"data":2}', auth);
    assertSame(refused, 429, 'rate_limited');
    assert.ok(Number(refused[0].headers.get('retry-after')) > 0);
  });

  test('sets CORS headers for an allowed origin, and counts its requests in the route metric', async () => {
    const path = `/v1/channels/lean-${uid()}/messages`;
    const answers = await both(path, '{"data":1}', { authorization: `Bearer ${KEY}`, origin: ORIGIN });
    assertSame(answers, 201);
    assert.equal(answers[0].headers.get('access-control-allow-origin'), ORIGIN);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const line = metrics
      .split('\n')
      .find(
        (l) => l.startsWith('paasport_http_request_duration_seconds_count{') && l.includes('status="201"'),
      );
    assert.match(line ?? '', /route="\/v1\/channels\/:channel\/messages"/);
  });
});
