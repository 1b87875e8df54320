// The client in Debian's Chromium (playwright-core, never a downloaded browser): a page on another origin,
// under a strict Content Security Policy, loads /v1/client.js with <script type="module">, receives every
// message once and in order while the replica it is connected to drains and another takes over, and reads the
// reason of a refused connection. The browser examples of docs/protocol.md run in the same page setup.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { createTestDatabase, freePort, REDIS_URL, uid, until } from '../helpers/services.js';
import { type Balancer, startBalancer } from './balancer.js';
import { docExample, moduleScript } from './doc-examples.js';
import { mintToken } from './helpers.js';

const KEY = `key-${uid(16)}`;

/** Evaluates an expression in the page (awaiting it when it is a promise). */
const read = <T>(page: Page, expression: string) => page.evaluate(expression) as Promise<T>;
const NONCE = uid(12);

describe('client in the browser', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const replicas: TestServer[] = [];
  let balancer: Balancer;
  let site: Server;
  let siteUrl: string;
  let browser: Browser;
  /** The page's script, by path; `/realtime-token` is the site's backend minting tokens. */
  const scripts = new Map<string, string>();

  const publish = async (base: string, channel: string, data: unknown) => {
    const res = await fetch(`${base}/v1/channels/${channel}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ data }),
    });
    assert.equal(res.status, 201, await res.text());
  };

  const openPage = async (path: string, script: string): Promise<{ page: Page; errors: string[] }> => {
    scripts.set(path, script);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !msg.text().startsWith('refused:')) errors.push(msg.text());
    });
    await page.goto(`${siteUrl}${path}`);
    return { page, errors };
  };

  before(async () => {
    db = await createTestDatabase();
    const sitePort = await freePort();
    siteUrl = `http://127.0.0.1:${sitePort}`;
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: `t-${uid()}:`,
      API_KEYS: KEY,
      JWT_SECRET: uid(32),
      RATE_LIMIT_ENABLED: 'false',
      CORS_ORIGINS: siteUrl,
    };
    replicas.push(...(await Promise.all([startTestServer(env), startTestServer(env)])));
    balancer = await startBalancer([replicas[0]?.port as number]);
    const server = balancer.url;
    const ws = server.replace('http', 'ws');
    site = createServer((req, res) => {
      if (req.url === '/realtime-token') {
        mintToken(server, KEY, { subscribe: ['*'], publish: ['*'], ttl: 600 }).then(
          (t) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(t)),
          () => res.writeHead(500).end(),
        );
        return;
      }
      const script = scripts.get(req.url ?? '');
      if (script === undefined) return void res.writeHead(404).end();
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        // Nothing inline without the nonce, no eval, scripts and sockets from the paasport server only.
        'content-security-policy': `default-src 'none'; script-src 'nonce-${NONCE}' ${server}; connect-src 'self' ${server} ${ws}`,
      });
      res.end(`<!doctype html><title>t</title><script type="module" nonce="${NONCE}">\n${script}\n</script>`);
    });
    await new Promise<void>((resolve) => site.listen(sitePort, '127.0.0.1', resolve));
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
  });
  after(async () => {
    await browser?.close();
    site?.close();
    await balancer?.close();
    await Promise.all(replicas.map((r) => r.close()));
    await db?.drop();
  });

  it('loads /v1/client.js from another origin and receives every message once, in order, across a restart', async () => {
    const server = balancer.url;
    const { page, errors } = await openPage(
      '/restart',
      `import { createClient } from '${server}/v1/client.js';
      window.received = [];
      window.states = [];
      // No url: the client connects to the server it was loaded from.
      const client = createClient({
        token: () => fetch('/realtime-token').then((r) => r.json()),
        minDelayMs: 100,
        maxDelayMs: 1000,
      });
      client.on('state', (e) => window.states.push(e.error ? e.state + ':' + e.error.kind : e.state));
      client.subscribe('browser', { since: 0 }).on('message', (m) => window.received.push([m.offset, m.data]));`,
    );
    const [a, b] = replicas as [TestServer, TestServer];
    const received = () => read<number[][]>(page, 'window.received');
    await until('the page to connect', async () =>
      (await read<boolean>(page, "window.states?.includes('open')")) ? true : undefined,
    );
    for (let i = 1; i <= 40; i++) await publish(a.url, 'browser', i);
    await until('40 messages in the page', async () => ((await received()).length >= 40 ? true : undefined));
    // The replica restarts: it leaves the balancer and drains (close 1012) while messages keep coming.
    balancer.set([b.port]);
    const drained = a.drain(5000);
    for (let i = 41; i <= 80; i++) await publish(b.url, 'browser', i);
    await drained;
    for (let i = 81; i <= 120; i++) await publish(b.url, 'browser', i);
    await until('120 messages in the page', async () =>
      (await received()).length >= 120 ? true : undefined,
    );
    const got = await received();
    assert.deepEqual(
      got,
      Array.from({ length: 120 }, (_, i) => [i + 1, i + 1]),
      'each message once, in order',
    );
    const states = await read<string[]>(page, 'window.states');
    assert.ok(states.includes('reconnecting:draining'), states.join(' '));
    assert.equal(states.at(-1), 'open');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('reads the code and reason of a refused connection, raw and through the client', async () => {
    const server = balancer.url;
    const { page } = await openPage(
      '/refused',
      `import { createClient } from '${server}/v1/client.js';
      const raw = new WebSocket('${server.replace('http', 'ws')}/v1/ws?token=wrong');
      window.raw = new Promise((resolve) => { raw.onclose = (e) => resolve([e.code, e.reason, e.wasClean]); });
      const client = createClient({ token: 'wrong' });
      window.refusal = new Promise((resolve) => client.on('state', (e) => {
        if (e.state === 'closed') resolve([e.error.kind, e.error.code, e.error.closeCode, e.error.message]);
      }));`,
    );
    const raw = await read<unknown[]>(page, 'window.raw');
    assert.equal(raw[0], 4401);
    assert.match(String(raw[1]), /^invalid_credentials: /);
    const viaClient = await read<unknown[]>(page, 'window.refusal');
    assert.deepEqual(viaClient.slice(0, 3), ['unauthorized', 'invalid_credentials', 4401]);
    await page.close();
  });

  it('runs the browser examples of docs/protocol.md as written', async () => {
    const server = balancer.url;
    const swap = (code: string) =>
      code
        .replaceAll('https://rt.example.com', server)
        .replaceAll('wss://rt.example.com', server.replace('http', 'ws'));

    const withClient = await openPage('/doc-client', swap(moduleScript(docExample('browser-client'))));
    await until('the example to publish and receive', async () =>
      (await read<string | null>(withClient.page, "localStorage.getItem('since:room-1')")) ? true : undefined,
    );
    const history = await fetch(`${server}/v1/channels/room-1/messages`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    const stored = ((await history.json()) as { messages: { offset: number; data: unknown }[] }).messages;
    assert.deepEqual(
      stored.map((m) => m.data),
      [{ text: 'hello' }],
    );
    assert.equal(
      await read<string | null>(withClient.page, "localStorage.getItem('since:room-1')"),
      String(stored[0]?.offset),
    );
    assert.deepEqual(withClient.errors, []);
    await withClient.page.close();

    const raw = await openPage(
      '/doc-raw',
      `const { token } = await fetch('/realtime-token').then((r) => r.json());\n${swap(docExample('browser-raw'))}`,
    );
    await until('the raw example to publish before open and receive it', async () =>
      (await read<string | null>(raw.page, "localStorage.getItem('since:room-1')")) === '2'
        ? true
        : undefined,
    );
    assert.deepEqual(raw.errors, []);
    await raw.page.close();
  });
});
