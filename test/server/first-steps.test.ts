// What a first-time user meets on a development server: a generated API key printed at start and accepted,
// errors that say what to change (Content-Type of a publish, plain HTTP on /v1/ws, unknown fields on both
// transports, an over-size publish over WebSocket), /readyz naming the in-process bus, and /metrics behind
// METRICS_TOKEN on the main port or on METRICS_PORT.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/app.js';
import {
  createTestDatabase,
  freePort,
  type ServerProcess,
  startServerProcess,
  tempDir,
} from '../helpers/services.js';
import { WsClient } from '../helpers/ws-client.js';

const METRICS_TOKEN = 'm'.repeat(24);

describe('a development server, first five minutes', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: ServerProcess;
  let metricsPort: number;
  let key: string;
  const post = (path: string, body: string, headers: Record<string, string>) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, ...headers },
      body,
    });

  before(async () => {
    [db, dir] = await Promise.all([createTestDatabase(), tempDir('paasport-first-steps-')]);
    metricsPort = await freePort();
    // No NODE_ENV and no API_KEYS: development, as after `npm run dev`.
    server = await startServerProcess({
      DATABASE_URL: db.url,
      DATA_DIR: dir.path,
      METRICS_TOKEN,
      METRICS_PORT: String(metricsPort),
      CHANNEL_MAX_DATA_SIZE: '1KiB',
      WS_MAX_PAYLOAD: '1KiB',
    });
    key = /development API key for this run: (dev_[\w-]+)/.exec(server.output())?.[1] ?? '';
  });

  after(async () => {
    await server?.stop();
    await Promise.all([db?.drop(), dir?.remove()]);
  });

  it('prints a development API key at start, and accepts it', async () => {
    assert.match(key, /^dev_[\w-]{24}$/, server.output());
    const res = await post('/v1/channels/first/messages', '{"data":{"hello":1}}', {
      'Content-Type': 'application/json',
    });
    assert.equal(res.status, 201, await res.clone().text());
    const wrong = await post('/v1/channels/first/messages', '{"data":1}', {
      'Content-Type': 'application/json',
      Authorization: 'Bearer dev_not-the-key',
    });
    assert.equal(wrong.status, 401);
  });

  it('names the Content-Type header when a publish is not sent as JSON', async () => {
    // What `curl -d '{"data":1}'` sends without -H.
    const res = await post('/v1/channels/first/messages', '{"data":1}', {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    assert.equal(res.status, 415);
    const { error } = (await res.json()) as { error: { code: string; message: string; field: string } };
    assert.equal(error.code, 'unsupported_media_type');
    assert.match(
      error.message,
      /Content-Type: application\/json \(got "application\/x-www-form-urlencoded"\)/,
    );
    assert.equal(error.field, 'Content-Type');
  });

  it('answers plain HTTP on /v1/ws with 426 saying a WebSocket upgrade is needed', async () => {
    const res = await fetch(`${server.url}/v1/ws?token=${key}`);
    assert.equal(res.status, 426);
    assert.equal(res.headers.get('upgrade'), 'websocket');
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(error.code, 'upgrade_required');
    assert.match(error.message, /WebSocket endpoint.*Upgrade: websocket/);
  });

  it('refuses unknown fields the same way over HTTP and WebSocket, naming the field', async () => {
    const res = await post('/v1/channels/first/messages', '{"data":1,"idd":"x"}', {
      'Content-Type': 'application/json',
    });
    assert.equal(res.status, 400);
    const http = ((await res.json()) as { error: { code: string; field: string; message: string } }).error;
    assert.equal(http.field, 'idd');
    assert.match(http.message, /unknown field "idd" in the body; expected data, id/);

    const ws = await WsClient.connect(`${server.url.replace('http', 'ws')}/v1/ws?token=${key}`);
    try {
      const err = await ws.request({ type: 'subscribe', channel: 'first', sinse: 0 }, 'subscribed');
      assert.equal(err.type, 'error');
      assert.equal(err.code, 'invalid_frame');
      assert.equal(err.field, 'sinse');
      assert.equal(err.channel, 'first');
      assert.match(
        String(err.message),
        /unknown field "sinse" in a subscribe frame; expected type, channel, since, presence/,
      );
      const ok = await ws.request({ type: 'subscribe', channel: 'first', since: 0 }, 'subscribed');
      assert.equal(ok.type, 'subscribed');
    } finally {
      ws.ws.close();
    }
  });

  it('answers an over-size WebSocket publish with message_too_large and keeps the connection', async () => {
    const ws = await WsClient.connect(`${server.url.replace('http', 'ws')}/v1/ws?token=${key}`);
    try {
      // 1.5 KiB of data: over CHANNEL_MAX_DATA_SIZE and over WS_MAX_PAYLOAD as set, within the frame limit.
      const err = await ws.request(
        { type: 'publish', channel: 'first', id: 'big', data: 'x'.repeat(1536) },
        'ack',
      );
      assert.equal(err.type, 'error');
      assert.equal(err.code, 'message_too_large');
      assert.equal(err.id, 'big');
      const pong = await ws.request({ type: 'ping', id: 'after' }, 'pong');
      assert.equal(pong.id, 'after');
    } finally {
      ws.ws.close();
    }
  });

  it('names the in-process bus in /readyz', async () => {
    const body = (await (await fetch(`${server.url}/readyz`)).json()) as {
      checks: Record<string, { driver: string; note?: string }>;
    };
    assert.equal(body.checks.redis, undefined);
    assert.equal(body.checks.bus?.driver, 'memory');
    assert.match(body.checks.bus?.note ?? '', /in-process bus \(REDIS_URL is not set\).*one replica/);
  });

  it('serves /metrics on METRICS_PORT only, behind METRICS_TOKEN', async () => {
    assert.equal((await fetch(`${server.url}/metrics`)).status, 404);
    const base = `http://127.0.0.1:${metricsPort}`;
    const anonymous = await fetch(`${base}/metrics`);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer/);
    const wrong = await fetch(`${base}/metrics`, { headers: { Authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    const res = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /^paasport_http_request_duration_seconds_bucket/m);
    assert.equal((await fetch(`${base}/readyz`)).status, 404);
  });
});

describe('METRICS_TOKEN on the main port', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: TestServer;

  before(async () => {
    [db, dir] = await Promise.all([createTestDatabase(), tempDir('paasport-metrics-')]);
    server = await startTestServer({ DATABASE_URL: db.url, DATA_DIR: dir.path, METRICS_TOKEN });
  });
  after(async () => {
    await server?.close();
    await Promise.all([db?.drop(), dir?.remove()]);
  });

  it('refuses /metrics without the token and serves it with the token', async () => {
    assert.equal((await fetch(`${server.url}/metrics`)).status, 401);
    const res = await fetch(`${server.url}/metrics`, {
      headers: { Authorization: `Bearer ${METRICS_TOKEN}` },
    });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /paasport_websocket_connections/);
    assert.equal(server.metricsPort, undefined);
  });
});
