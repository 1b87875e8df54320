// pusher-js's browser build in a real Chromium page (served from a tiny local static server, which is also
// the app backend: it authorizes channels with the `pusher` library over pusher-js's own XHR auth flow):
// public, private and presence channels, client events to a Node client, refused authorizations, and the
// reconnect and resubscribe after the server closes every socket the way the drain does (1012).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import type Pusher from 'pusher';
import { startTestServer, type TestServer } from '../helpers/app.js';
import {
  type AppCreds,
  connectClient,
  connected,
  nextEvent,
  serverLib,
  subscribed,
} from '../helpers/pusher-clients.js';
import { createTestDatabase, REDIS_URL, ROOT, uid, until } from '../helpers/services.js';

const APP: AppCreds = { id: 'web', key: `key-${uid(4)}`, secret: `secret-${uid(16)}` };
const PUSHER_JS = readFileSync(`${ROOT}node_modules/pusher-js/dist/web/pusher.js`);

/** The page and its app backend: `/` loads pusher-js, `/auth?user=` authorizes, `/forged` signs wrongly. */
async function appBackend(lib: Pusher, forger: Pusher): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/pusher.js')
      return res.writeHead(200, { 'content-type': 'text/javascript' }).end(PUSHER_JS);
    if (url.pathname === '/')
      return res.writeHead(200, { 'content-type': 'text/html' }).end('<script src="/pusher.js"></script>');
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const socketId = form.get('socket_id') ?? '';
      const channel = form.get('channel_name') ?? '';
      const user = form.get('user') ?? 'browser';
      if (url.pathname === '/denied') return res.writeHead(403).end('no');
      if (url.pathname !== '/auth' && url.pathname !== '/forged') return res.writeHead(404).end();
      const signer = url.pathname === '/forged' ? forger : lib;
      const presence = channel.startsWith('presence-')
        ? { user_id: user, user_info: { name: user } }
        : undefined;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(signer.authorizeChannel(socketId, channel, presence)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('pusher-js in Chromium against the Pusher face', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: TestServer;
  let backend: { url: string; server: Server };
  let browser: Browser;
  let page: Page;
  let lib: Pusher;

  /** Creates `window.p` (a pusher-js client) with the given auth endpoint and records events in window.seen. */
  const open = async (authPath: string, user: string) => {
    await page.evaluate(
      ({ key, port, authPath, user }) => {
        const w = globalThis as unknown as Record<string, unknown> & {
          Pusher: new (k: string, o: unknown) => unknown;
        };
        (w.p as { disconnect(): void } | undefined)?.disconnect();
        w.seen = [];
        w.p = new w.Pusher(key, {
          cluster: 'local',
          wsHost: '127.0.0.1',
          wsPort: port,
          forceTLS: false,
          enabledTransports: ['ws'],
          disableStats: true,
          channelAuthorization: { endpoint: authPath, transport: 'ajax', params: { user } },
        });
      },
      { key: APP.key, port: server.port, authPath, user },
    );
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { p: { connection: { state: string } } }).p.connection.state ===
        'connected',
    );
  };
  const listen = (channel: string, event: string) =>
    page.evaluate(
      ({ channel, event }) => {
        const w = globalThis as unknown as {
          p: { subscribe(c: string): { bind(e: string, cb: (d: unknown) => void): void } };
          seen: unknown[];
        };
        w.p.subscribe(channel).bind(event, (d) => w.seen.push([channel, event, d]));
      },
      { channel, event },
    );
  const seen = () => page.evaluate(() => (globalThis as unknown as { seen: unknown[] }).seen);
  const waitSeen = (n: number) =>
    until(`${n} events in the page`, async () => ((await seen()).length >= n ? true : undefined));

  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer({
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: `t${uid()}:`,
      PUSHER_APP_ID: APP.id,
      PUSHER_APP_KEY: APP.key,
      PUSHER_APP_SECRET: APP.secret,
      PUSHER_APP_CLIENT_EVENTS: 'true',
    });
    lib = serverLib(server.port, APP);
    backend = await appBackend(lib, serverLib(server.port, { ...APP, secret: 'forged' }));
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage();
    await page.goto(backend.url);
  });

  after(async () => {
    await browser?.close();
    await new Promise<void>((r) => (backend ? backend.server.close(() => r()) : r()));
    await server?.close();
    await db?.drop();
  });

  test('public, private (XHR auth) and presence channels receive events', async () => {
    await open('/auth', 'alice');
    await listen('ticker', 'tick');
    await listen('private-inbox', 'mail');
    await listen('presence-lobby', 'pusher:subscription_succeeded');
    await waitSeen(1);
    await until('two members', async () => {
      const users = (await (await lib.get({ path: '/channels/presence-lobby/users' })).json()) as {
        users: unknown[];
      };
      return users.users.length === 1 ? true : undefined;
    });
    await until('the private subscription', async () =>
      (await page.evaluate(
        () =>
          (globalThis as unknown as { p: { channel(c: string): { subscribed: boolean } } }).p.channel(
            'private-inbox',
          ).subscribed,
      ))
        ? true
        : undefined,
    );
    await lib.trigger('ticker', 'tick', { n: 1 });
    await lib.trigger('private-inbox', 'mail', 'hello');
    await waitSeen(3);
    const events = await seen();
    // pusher-js hands presence subscribers its Members object.
    const members = (events[0] as [string, string, { count: number; members: Record<string, unknown> }])[2];
    assert.equal(members.count, 1);
    assert.deepEqual(members.members, { alice: { name: 'alice' } });
    assert.deepEqual(events.slice(1), [
      ['ticker', 'tick', { n: 1 }],
      ['private-inbox', 'mail', 'hello'],
    ]);
  });

  test('client events from the page reach a Node pusher-js client', async () => {
    const node = connectClient(server.port, APP.key, lib, 'node');
    await connected(node);
    const ch = await subscribed(node, 'private-room');
    const got = nextEvent(ch, 'client-hi');
    await listen('private-room', 'pusher:subscription_succeeded');
    await until('the page subscription', async () =>
      (await page.evaluate(
        () =>
          (globalThis as unknown as { p: { channel(c: string): { subscribed: boolean } } }).p.channel(
            'private-room',
          ).subscribed,
      ))
        ? true
        : undefined,
    );
    await page.evaluate(() =>
      (globalThis as unknown as { p: { channel(c: string): { trigger(e: string, d: unknown): boolean } } }).p
        .channel('private-room')
        .trigger('client-hi', { from: 'page' }),
    );
    assert.deepEqual(await got, { from: 'page' });
    node.disconnect();
  });

  test('refused authorizations: the app backend says 403, or signs with the wrong secret', async () => {
    await open('/denied', 'eve');
    await listen('private-x', 'pusher:subscription_error');
    await waitSeen(1);
    const [[, , denied]] = (await seen()) as [[string, string, { status: number }]];
    assert.equal(denied.status, 403);
    await open('/forged', 'eve');
    await listen('private-y', 'pusher:subscription_error');
    await waitSeen(1);
    const [[, , err]] = (await seen()) as [[string, string, { type: string; status: number }]];
    assert.equal(err.type, 'AuthError');
    assert.equal(err.status, 401);
  });

  test('after every socket is closed with 1012 (as in a drain), the page reconnects and resubscribes', async () => {
    await open('/auth', 'rita');
    await listen('private-after', 'ev');
    await until('subscribed', async () =>
      (await page.evaluate(
        () =>
          (globalThis as unknown as { p: { channel(c: string): { subscribed: boolean } } }).p.channel(
            'private-after',
          ).subscribed,
      ))
        ? true
        : undefined,
    );
    const before = await page.evaluate(
      () => (globalThis as unknown as { p: { connection: { socket_id: string } } }).p.connection.socket_id,
    );
    for (const ws of server.app.gateway.wss.clients) ws.close(1012, 'server restart, reconnect');
    await until(
      'a new connection',
      async () => {
        const id = await page.evaluate(() => {
          const p = (globalThis as unknown as { p: { connection: { state: string; socket_id: string } } }).p;
          return p.connection.state === 'connected' ? p.connection.socket_id : '';
        });
        return id && id !== before ? true : undefined;
      },
      20_000,
    );
    await until('resubscribed', async () => {
      const occupied = (await (await lib.get({ path: '/channels/private-after' })).json()) as {
        occupied: boolean;
      };
      return occupied.occupied ? true : undefined;
    });
    await lib.trigger('private-after', 'ev', 'back');
    await waitSeen(1);
    assert.deepEqual(await seen(), [['private-after', 'ev', 'back']]);
  });
});
