// The server as a process: bad config exits before listening; migrations from two processes at once;
// SIGTERM drains (WebSockets closed with 1012, exit 0 within DRAIN_TIMEOUT); a second signal exits at once.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import WebSocket from 'ws';
import { migrationNames } from '../helpers/app.js';
import {
  createTestDatabase,
  freePort,
  REDIS_URL,
  ROOT,
  runCli,
  startServerProcess,
  uid,
} from '../helpers/services.js';

const API_KEY = `test-key-${uid(12)}`;

describe('server process', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db.drop();
  });

  it('exits non-zero before listening when the config is invalid, naming each variable', async () => {
    const port = await freePort();
    const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server/main.ts')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        REDIS_URL: 'http://nope',
        DRAIN_TIMEOUT: 'later',
        NODE_ENV: 'production',
      },
    });
    let err = '';
    proc.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const code = await new Promise<number | null>((r) => proc.on('exit', r));
    assert.equal(code, 1);
    for (const name of ['REDIS_URL', 'DRAIN_TIMEOUT', 'JWT_SECRET', 'API_KEYS'])
      assert.match(err, new RegExp(`${name}:`));
    const listening = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
    assert.equal(listening, null);
  });

  it('runs migrations from two processes at once without error, each exactly once', async () => {
    const env = { DATABASE_URL: db.url };
    const [a, b] = await Promise.all([runCli(['migrate'], env), runCli(['migrate'], env)]);
    assert.equal(a.code, 0, a.out);
    assert.equal(b.code, 0, b.out);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query('SELECT name FROM pgmigrations ORDER BY name');
    await client.end();
    assert.deepEqual(
      rows.map((r) => r.name),
      migrationNames(),
    );
  });

  it('drains on SIGTERM: sockets get 1012, readiness 503, exit 0 within DRAIN_TIMEOUT', async () => {
    const srv = await startServerProcess({
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: `${uid()}:`,
      API_KEYS: API_KEY,
      DRAIN_TIMEOUT: '3s',
    });
    const wsUrl = `${srv.url.replace('http', 'ws')}/v1/ws?token=${API_KEY}`;
    const sockets = await Promise.all(
      [1, 2, 3].map(
        () =>
          new Promise<WebSocket>((resolve, reject) => {
            const ws = new WebSocket(wsUrl);
            ws.once('open', () => resolve(ws));
            ws.once('error', reject);
          }),
      ),
    );
    const closes = sockets.map((ws) => new Promise<number>((r) => ws.once('close', (code) => r(code))));
    // A keep-alive connection opened before the signal sees readiness turn 503 while the server drains.
    const agentProbe = fetch(`${srv.url}/healthz`);
    await agentProbe;
    const started = Date.now();
    srv.proc.kill('SIGTERM');
    assert.deepEqual(await Promise.all(closes), [1012, 1012, 1012]);
    const code = await srv.exited;
    assert.equal(code, 0, srv.output());
    assert.ok(Date.now() - started < 3000 + 500, 'exit took longer than DRAIN_TIMEOUT');
    const after = await fetch(`${srv.url}/healthz`).catch(() => null);
    assert.equal(after, null, 'still accepting connections after drain');
  });

  it('lets in-flight requests finish while draining', async () => {
    const srv = await startServerProcess({ DATABASE_URL: db.url, API_KEYS: API_KEY, DRAIN_TIMEOUT: '5s' });
    // readyz is an in-flight request that touches every driver; start many, then signal.
    const inflight = Array.from({ length: 20 }, () => fetch(`${srv.url}/healthz`).then((r) => r.status));
    srv.proc.kill('SIGTERM');
    const statuses = await Promise.all(inflight.map((p) => p.catch(() => 0)));
    // Requests that reached the server before close got answers; none was cut off mid-response.
    assert.ok(statuses.every((s) => s === 200 || s === 0));
    assert.equal(await srv.exited, 0, srv.output());
  });

  it('exits at once on a second signal', async () => {
    const srv = await startServerProcess({ DATABASE_URL: db.url, API_KEYS: API_KEY, DRAIN_TIMEOUT: '30s' });
    const ws = new WebSocket(`${srv.url.replace('http', 'ws')}/v1/ws?token=${API_KEY}`);
    await new Promise((r, j) => {
      ws.once('open', r);
      ws.once('error', j);
    });
    // Keep the socket from completing the close handshake so the drain would otherwise wait.
    ws.pause();
    srv.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    srv.proc.kill('SIGTERM');
    const code = await srv.exited;
    assert.notEqual(code, null);
    ws.terminate();
  });
});
