// The web console end to end in Debian's Chromium (playwright-core, never a downloaded browser): log in with
// the API key, read the status, publish from one tab and see the message in another tab's live tail, and
// disconnect a WebSocket client opened by the test, whose socket then closes with 4002.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { createTestDatabase, REDIS_URL, uid } from '../helpers/services.js';
import { WsClient } from '../helpers/ws-client.js';

const KEY = `console-key-${uid(16)}`;
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

describe('web console in Chromium', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let srv: TestServer;
  let browser: Browser;
  const problems: string[] = [];

  before(async () => {
    db = await createTestDatabase();
    srv = await startTestServer({
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: `console-${uid()}:`,
      API_KEYS: KEY,
      JWT_SECRET: 'z'.repeat(40),
    });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
    await db?.drop();
  });

  /** A tab logged in with the key; console errors and CSP violations are collected as problems. */
  async function loggedIn(): Promise<Page> {
    const page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(`${srv.url}/`);
    await page.fill('#login input[name=key]', KEY);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#health');
    return page;
  }

  it('logs in, shows status, tails a channel live, and disconnects a client', async () => {
    const first = await loggedIn();
    assert.equal(await first.textContent('#health'), 'healthy');
    assert.equal(await first.evaluate('sessionStorage.getItem("paasport.apiKey")'), KEY);
    assert.equal(await first.evaluate('localStorage.length'), 0, 'the key is not kept beyond the tab');

    const channel = `e2e-${uid()}`;
    const second = await loggedIn();
    await second.goto(`${srv.url}/#tail?channel=${channel}`);
    await second.waitForSelector('#tail-state[data-live=true]');

    await first.goto(`${srv.url}/#publish`);
    await first.fill('#publish input[name=channel]', channel);
    await first.fill('#publish textarea[name=data]', '{"text":"hello from the console"}');
    await first.click('#publish button[type=submit]');
    await first.waitForSelector('#publish-result:has-text("offset 1")');
    const line = await second.waitForSelector('#tail-lines .line:has-text("hello from the console")');
    assert.match((await line.textContent()) ?? '', /^#1 /);

    const sub = `ws-client-${uid()}`;
    const mint = await fetch(`${srv.url}/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subscribe: [channel], sub }),
    });
    const { token } = (await mint.json()) as { token: string };
    const client = await WsClient.connect(`${srv.url.replace('http', 'ws')}/v1/ws?token=${token}`);
    client.send({ type: 'subscribe', channel });
    await client.waitFor((f) => f.type === 'subscribed');

    await first.goto(`${srv.url}/#clients`);
    const row = first.locator('tr', { hasText: sub });
    await row.waitFor();
    assert.ok(((await row.textContent()) ?? '').includes(channel));
    await row.locator('button', { hasText: 'Disconnect' }).click();
    assert.deepEqual(await client.closed, { code: 4002, reason: 'disconnected by an administrator' });
    await first.locator('tr', { hasText: sub }).waitFor({ state: 'detached' });
    assert.deepEqual(problems, []);
  });

  it('a page that finishes loading after another opened does not replace it', async () => {
    const page = await loggedIn();
    // The status page's request is held back, as on a busy server; the tail opens meanwhile.
    await page.route('**/v1/admin/status', async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    const slow = page.waitForResponse('**/v1/admin/status');
    await page.goto(`${srv.url}/#status-again`);
    await page.goto(`${srv.url}/#tail?channel=race-${uid()}`);
    await page.waitForSelector('#tail-state[data-live=true]');
    await slow;
    await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
    assert.equal(await page.locator('#tail-state').count(), 1, 'the tail is still shown');
    assert.equal(await page.locator('#health').count(), 0, 'the late status page was dropped');
    await page.close();
  });

  it('says how to set a key when the server has none', async () => {
    const bare = await startTestServer({ DATABASE_URL: db.url, REDIS_URL, JWT_SECRET: 'z'.repeat(40) });
    try {
      const page = await browser.newPage();
      await page.goto(`${bare.url}/`);
      const help = (await (await page.waitForSelector('#no-keys')).textContent()) ?? '';
      assert.ok(help.includes('No API key is configured') && help.includes('API_KEYS='), help);
      await page.close();
    } finally {
      await bare.close();
    }
  });
});
