// The server as a process: bad config exits before listening; migrations from two processes at once;
// SIGTERM drains (WebSockets closed with 1012, readiness 503, requests in flight answered, exit 0 within
// DRAIN_TIMEOUT); a second signal exits at once with 1.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import WebSocket from 'ws';
import { migrationNames } from '../helpers/app.js';
import { heldRequest } from '../helpers/raw-http.js';
import {
  createTestDatabase,
  freePort,
  REDIS_URL,
  ROOT,
  runCli,
  type ServerProcess,
  startServerProcess,
  uid,
  until,
} from '../helpers/services.js';

const API_KEY = `test-key-${uid(12)}`;

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/ws?token=${API_KEY}`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Resolves once the server process has logged the start of its drain (needs LOG_LEVEL info). */
function draining(srv: ServerProcess): Promise<true> {
  return until('the drain to start', () => (/"msg":"draining"/.test(srv.output()) ? true : undefined));
}

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
      LOG_LEVEL: 'info',
    });
    const sockets = await Promise.all([1, 2, 3].map(() => openSocket(srv.url)));
    const closes = sockets.map((ws) => new Promise<number>((r) => ws.once('close', (code) => r(code))));
    // A readiness probe begun before the signal and completed during the drain, as a platform's would be.
    const probe = await heldRequest(srv.port, '/readyz');
    assert.equal(probe.firstResponse.status, 200);
    srv.proc.kill('SIGTERM');
    assert.deepEqual(await Promise.all(closes), [1012, 1012, 1012]);
    await draining(srv);
    const readiness = await probe.finish();
    assert.equal(readiness.status, 503, readiness.body);
    const body = JSON.parse(readiness.body) as { status: string; failing: string[]; checks: object };
    assert.equal(body.status, 'draining');
    assert.deepEqual(body.failing, [], 'draining with every dependency healthy');
    assert.deepEqual(Object.keys(body.checks).sort(), ['postgres', 'redis', 'storage']);
    // Exit 0 also means within DRAIN_TIMEOUT: past it, main's backstop exits 1.
    assert.equal(await srv.exited, 0, srv.output());
    assert.match(srv.output(), /"msg":"drained"/);
    assert.equal(await fetch(`${srv.url}/healthz`).catch(() => null), null, 'still accepting after drain');
  });

  it('lets in-flight requests finish while draining', async () => {
    const srv = await startServerProcess({
      DATABASE_URL: db.url,
      API_KEYS: API_KEY,
      DRAIN_TIMEOUT: '5s',
      LOG_LEVEL: 'info',
    });
    const held = await Promise.all([1, 2, 3, 4, 5].map(() => heldRequest(srv.port, '/healthz')));
    srv.proc.kill('SIGTERM');
    await draining(srv);
    // New connections are refused from now on, while the requests begun before the signal are answered.
    assert.equal(await fetch(`${srv.url}/healthz`).catch(() => null), null, 'accepted a new connection');
    const answers = await Promise.all(held.map((h) => h.finish()));
    for (const answer of answers) {
      assert.equal(answer.status, 200);
      assert.deepEqual(JSON.parse(answer.body), { status: 'ok' });
    }
    assert.equal(await srv.exited, 0, srv.output());
  });

  it('exits at once, with code 1, on a second signal', async () => {
    const srv = await startServerProcess({
      DATABASE_URL: db.url,
      API_KEYS: API_KEY,
      DRAIN_TIMEOUT: '30s',
      LOG_LEVEL: 'info',
    });
    const ws = await openSocket(srv.url);
    // Keep the socket from completing the close handshake so the drain would otherwise wait ~30s.
    ws.pause();
    srv.proc.kill('SIGTERM');
    await draining(srv);
    srv.proc.kill('SIGTERM');
    assert.equal(await srv.exited, 1, srv.output());
    assert.match(srv.output(), /"msg":"second signal: exiting now"/);
    assert.doesNotMatch(srv.output(), /"msg":"drained"/, 'the drain ran to its end');
    assert.equal(await fetch(`${srv.url}/healthz`).catch(() => null), null, 'still listening');
    ws.terminate();
  });
});
