// The official client against an in-process server (PostgreSQL + Redis): publishes made before the socket
// opens are delivered and acknowledged, tokens are refreshed before they expire (and renewed after a 4001),
// and every kind of refusal reaches the application as its own error kind.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { type Client, type ClientOptions, createClient, type Message } from '../../src/client/index.js';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { createTestDatabase, freePort, REDIS_URL, ROOT, tempDir, uid, until } from '../helpers/services.js';
import { docExample } from './doc-examples.js';
import { mintToken, nextState, sleep } from './helpers.js';

const KEY = `key-${uid(16)}`;

describe('client', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: TestServer;
  const clients: Client[] = [];
  const open = (options: ClientOptions) => {
    const c = createClient({ url: server.url, WebSocket, minDelayMs: 50, maxDelayMs: 500, ...options });
    clients.push(c);
    return c;
  };
  const mint = (grant: Record<string, unknown>) => mintToken(server.url, KEY, grant);
  const publish = async (channel: string, data: unknown) => {
    const res = await fetch(`${server.url}/v1/channels/${channel}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ data }),
    });
    assert.equal(res.status, 201);
  };

  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer({
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: `t-${uid()}:`,
      API_KEYS: KEY,
      JWT_SECRET: uid(32),
      RATE_LIMIT_ENABLED: 'false',
    });
  });
  after(async () => {
    for (const c of clients) c.close();
    await server?.close();
    await db?.drop();
  });

  it('sends a publish made before the socket opened, and resolves it with the ack', async () => {
    const reader = open({ token: KEY });
    const got: Message[] = [];
    reader.subscribe('queued', { since: 0 }).on('message', (m) => got.push(m));
    const writer = open({ token: KEY });
    assert.equal(writer.state, 'connecting');
    const acks = await Promise.all([writer.publish('queued', { n: 1 }), writer.publish('queued', { n: 2 })]);
    assert.deepEqual(
      acks.map((a) => [a.channel, a.offset]),
      [
        ['queued', 1],
        ['queued', 2],
      ],
    );
    await until('both messages', () => (got.length === 2 ? true : undefined));
    assert.deepEqual(
      got.map((m) => [m.offset, m.data, m.id]),
      acks.map((a, i) => [a.offset, { n: i + 1 }, a.id]),
    );
  });

  it('refreshes the token before it expires, on the same connection', async () => {
    let calls = 0;
    const c = open({
      token: async () => {
        calls++;
        return mint({ subscribe: ['fresh'], ttl: 3, sub: 'user-1' });
      },
    });
    const states: string[] = [];
    c.on('state', (e) => states.push(e.error ? `${e.state}:${e.error.kind}` : e.state));
    const got: unknown[] = [];
    c.subscribe('fresh').on('message', (m) => got.push(m.data));
    await nextState(c, (e) => e.state === 'open');
    await sleep(5000);
    await publish('fresh', 'still here');
    await until('the message after the refreshes', () => (got.length === 1 ? true : undefined));
    assert.ok(calls >= 3, `one token to connect and at least two refreshes in 5 s of 3 s tokens (${calls})`);
    assert.deepEqual(states, ['open'], 'never reconnected');
  });

  it('after a 4001 close, reconnects with a new token and resumes without loss', async () => {
    // Each token is for another subject, so every refresh is refused and the first token runs out.
    const c = open({ token: () => mint({ subscribe: ['renew'], ttl: 1, sub: `user-${uid()}` }) });
    const got: unknown[] = [];
    c.subscribe('renew', { since: 0 }).on('message', (m) => got.push(m.data));
    await nextState(c, (e) => e.state === 'open');
    await publish('renew', 1);
    const dropped = await nextState(c, (e) => e.state === 'reconnecting', 10_000);
    assert.equal(dropped.error?.kind, 'token_expired');
    assert.equal(dropped.error?.closeCode, 4001);
    await publish('renew', 2);
    await nextState(c, (e) => e.state === 'open');
    await publish('renew', 3);
    await until('three messages', () => (got.length >= 3 ? true : undefined));
    await sleep(100);
    assert.deepEqual(got, [1, 2, 3]);
  });

  it('ends for good when a fixed token expires or is refused', async () => {
    const { token } = await mint({ subscribe: ['x'], ttl: 1 });
    const expiring = open({ token });
    // Closed at exp while open, or refused at the upgrade if exp came first: 4001 either way.
    const expired = await nextState(expiring, (e) => e.state === 'closed', 10_000);
    assert.deepEqual([expired.error?.kind, expired.error?.closeCode], ['token_expired', 4001]);

    const wrong = open({ token: 'not-a-key' });
    const refused = await nextState(wrong, (e) => e.state === 'closed');
    assert.deepEqual(
      [refused.error?.kind, refused.error?.code, refused.error?.closeCode],
      ['unauthorized', 'invalid_credentials', 4401],
    );
    assert.match(refused.error?.message ?? '', /^invalid_credentials: /);
    await assert.rejects(wrong.publish('x', 1), (err: { kind?: string }) => err.kind === 'closed');
  });

  it('runs the Node example of docs/protocol.md as written', async () => {
    const code = docExample('node-client')
      .replace("'paasport/client'", JSON.stringify(join(ROOT, 'src/client/index.ts')))
      .replace("'ws'", JSON.stringify(join(ROOT, 'node_modules/ws/wrapper.mjs')))
      .replace('http://localhost:3000', server.url);
    const dir = await tempDir('paasport-example-');
    try {
      const file = join(dir.path, 'example.mts');
      await writeFile(file, code);
      const proc = spawn(process.execPath, ['--import', 'tsx', file], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', API_KEY: KEY },
      });
      let out = '';
      proc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      proc.stderr.on('data', (d: Buffer) => {
        out += d.toString();
      });
      try {
        await until(
          'the example to publish and receive',
          () => (/order 1 \{ total: 42 \}/.test(out) ? true : undefined),
          30_000,
        );
      } finally {
        proc.kill();
      }
      assert.match(out, /stored at offset 1\n/);
    } finally {
      await dir.remove();
    }
  });

  it('tells a network failure apart, and keeps trying', async () => {
    const port = await freePort();
    const c = createClient({ url: `http://127.0.0.1:${port}`, token: KEY, WebSocket, minDelayMs: 50 });
    clients.push(c);
    const first = await nextState(c, (e) => e.state === 'reconnecting');
    assert.equal(first.error?.kind, 'network');
    await nextState(c, (e) => e.state === 'reconnecting');
    c.close();
    assert.equal(c.state, 'closed');
  });
});

describe('client refusals on a small replica', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: TestServer;
  const clients: Client[] = [];
  const open = (options: ClientOptions) => {
    const c = createClient({ url: server.url, WebSocket, minDelayMs: 50, maxDelayMs: 500, ...options });
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
      JWT_SECRET: uid(32),
      WS_MAX_CONNECTIONS: '1',
      RATE_LIMIT_WINDOW: '2s',
      RATE_LIMIT_TOKEN: '3',
      RATE_LIMIT_API_KEY: '10000',
    });
  });
  after(async () => {
    for (const c of clients) c.close();
    await server?.close();
    await db?.drop();
  });

  it('rate limited: waits the advertised time, then connects', async () => {
    const { token } = await mintToken(server.url, KEY, { subscribe: ['r'], ttl: 60 });
    for (let i = 0; i < 3; i++)
      await fetch(`${server.url}/v1/channels/r`, { headers: { authorization: `Bearer ${token}` } });
    const c = open({ token });
    const limited = await nextState(c, (e) => e.state === 'reconnecting');
    assert.deepEqual([limited.error?.kind, limited.error?.closeCode], ['rate_limited', 4429]);
    assert.ok((limited.error?.retryAfterMs ?? -1) >= 0);
    assert.ok((limited.delayMs ?? 0) >= (limited.error?.retryAfterMs ?? 0));
    await nextState(c, (e) => e.state === 'open', 10_000);
    c.close();
    await sleep(100);
  });

  it('too many connections, then draining: each with its kind', async () => {
    const first = open({ token: KEY });
    await nextState(first, (e) => e.state === 'open');
    const second = open({ token: KEY });
    const full = await nextState(second, (e) => e.state === 'reconnecting');
    assert.deepEqual(
      [full.error?.kind, full.error?.code, full.error?.closeCode],
      ['unavailable', 'too_many_connections', 4503],
    );
    second.close();
    await sleep(100);

    const drained = nextState(first, (e) => e.state === 'reconnecting', 15_000);
    const draining = server.drain(10_000, 2000);
    const late = open({ token: KEY });
    const refused = await nextState(late, (e) => e.state === 'reconnecting');
    assert.deepEqual([refused.error?.kind, refused.error?.closeCode], ['draining', 4503]);
    const restart = await drained;
    assert.deepEqual([restart.error?.kind, restart.error?.closeCode], ['draining', 1012]);
    await draining;
  });
});
