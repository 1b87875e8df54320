// Screenshots of the web console for the docs (docs/console/*.png), taken with Debian's Chromium through
// playwright-core. Starts throwaway PostgreSQL, Redis and MinIO and the server from source, seeds a few
// channels, files, a backup and two WebSocket clients, then visits each page. Run: node scripts/console-screenshots.mjs
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import { WebSocket } from 'ws';
import {
  freePort,
  newRunDir,
  ROOT,
  startMinio,
  startPostgres,
  startRedis,
  TOOLS_BIN,
} from './test-services.mjs';

const OUT = join(ROOT, 'docs', 'console');
const KEY = 'docs-console-key-0123456789abcdef';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

async function startServer(env) {
  const port = await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server/main.ts')], {
    cwd: ROOT,
    env: {
      PATH: `${TOOLS_BIN}:${process.env.PATH}`,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    const res = await fetch(`${url}/readyz`).catch(() => null);
    if (res?.status === 200) return { url, proc };
    await sleep(200);
  }
  proc.kill('SIGKILL');
  throw new Error('the server did not become ready within 30 s');
}

async function call(url, path, method = 'GET', body, headers = {}) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${KEY}`,
      ...(body && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

/** A WebSocket client of `sub`, subscribed to the channels. */
async function client(url, sub, channels) {
  const { token } = await call(url, '/v1/tokens', 'POST', { subscribe: ['*'], sub });
  const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/ws?token=${token}`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  for (const channel of channels) ws.send(JSON.stringify({ type: 'subscribe', channel }));
  return ws;
}

async function seed(url) {
  const rooms = { 'room-lobby': 12, 'orders.eu': 5, 'user:42': 3 };
  for (const [channel, n] of Object.entries(rooms))
    for (let i = 1; i <= n; i++)
      await call(url, `/v1/channels/${channel}/messages`, 'POST', {
        data: { text: `message ${i}`, from: 'seed' },
      });
  const { token } = await call(url, '/v1/tokens', 'POST', { files: ['upload'], sub: 'alice' });
  for (const [name, type, body] of [
    ['report.csv', 'text/csv', 'day,orders\nmon,12\ntue,17\n'],
    ['notes.txt', 'text/plain', 'Deploy checklist: migrate, drain, roll.'],
  ]) {
    await fetch(`${url}/v1/files?name=${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      body,
    });
  }
  await call(url, '/v1/admin/backups', 'POST');
  return [await client(url, 'alice', ['room-lobby', 'orders.eu']), await client(url, 'bob', ['room-lobby'])];
}

async function main() {
  const runDir = newRunDir();
  chmodSync(runDir, 0o755);
  const stops = [];
  let server;
  let browser;
  try {
    const [pg, redis, minio] = await Promise.all([
      startPostgres({ parent: runDir }),
      startRedis({ parent: runDir }),
      startMinio({ parent: runDir }),
    ]);
    stops.push(pg.stop, redis.stop, minio.stop);
    server = await startServer({
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      S3_ENDPOINT: minio.endpoint,
      S3_ACCESS_KEY: minio.accessKey,
      S3_SECRET_KEY: minio.secretKey,
      API_KEYS: KEY,
      JWT_SECRET: 'docs-console-jwt-secret-0123456789abcdef',
      BACKUP_SCHEDULE: '0 3 * * *',
    });
    const { url } = server;
    const sockets = await seed(url);
    mkdirSync(OUT, { recursive: true });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    const shot = async (name) => {
      await sleep(300);
      await page.screenshot({ path: join(OUT, `${name}.png`) });
      console.log(`docs/console/${name}.png`);
    };
    await page.goto(`${url}/`);
    await page.waitForSelector('#login');
    await shot('login');
    await page.fill('#login input[name=key]', KEY);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#health');
    await shot('status');
    await page.goto(`${url}/#channels`);
    await page.waitForSelector('table');
    await shot('channels');
    await page.goto(`${url}/#channels?channel=room-lobby&since=7`);
    await page.waitForSelector('table');
    await shot('history');
    await page.goto(`${url}/#tail?channel=room-lobby`);
    await page.waitForSelector('#tail-state[data-live=true]');
    for (let i = 1; i <= 4; i++) {
      await call(url, '/v1/channels/room-lobby/messages', 'POST', {
        data: { text: `live ${i}`, from: 'bob' },
      });
    }
    await page.waitForSelector('#tail-lines .line:has-text("live 4")');
    await shot('tail');
    await page.goto(`${url}/#publish?channel=room-lobby`);
    await page.waitForSelector('#publish');
    await page.click('#publish button[type=submit]');
    await page.waitForSelector('#publish-result:has-text("offset")');
    await shot('publish');
    await page.goto(`${url}/#clients`);
    await page.waitForSelector('tr:has-text("alice")');
    await shot('clients');
    await page.goto(`${url}/#files`);
    await page.waitForSelector('tr:has-text("report.csv")');
    await shot('files');
    await page.goto(`${url}/#backups`);
    await page.waitForSelector('.card');
    await shot('backups');
    await page.goto(`${url}/#metrics`);
    await page.waitForSelector('#metrics .card');
    await shot('metrics');
    for (const ws of sockets) ws.close();
  } finally {
    await browser?.close();
    if (server) {
      // The server drains before its services stop, so it does not log them as an outage.
      const exited = new Promise((resolve) => server.proc.once('exit', resolve));
      server.proc.kill('SIGTERM');
      await exited;
    }
    for (const stop of stops) await stop().catch(() => {});
    rmSync(runDir, { recursive: true, force: true });
  }
}

await main();
