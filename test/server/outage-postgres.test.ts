// PostgreSQL stopped (pg_ctl stop -m fast on a cluster of the test's own) and PostgreSQL stalled (a proxy
// that holds every byte, as a network partition does): publishes over HTTP and WebSocket answer the
// `unavailable` error with Retry-After instead of hanging or a 500, readiness names postgres, the log holds
// one outage line and no stack traces however many requests fail, and everything recovers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { type CapturedLog, captureLog } from '../helpers/log-capture.js';
import { createTestDatabase, uid, until } from '../helpers/services.js';
import { api, WsClient } from '../helpers/ws-client.js';
import { startOwnPostgres } from '../reliability/backing-services.js';
import { startFaultProxy } from '../reliability/fault-proxy.js';

const KEY = `key-${uid(12)}`;
const REQUESTS = 200;

async function readyz(
  url: string,
): Promise<{ status: number; body: { status: string; failing?: string[] } }> {
  const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as { status: string; failing?: string[] } };
}

/** Sends count publishes at once; resolves with every answer (each bounded by the helper's 15 s). */
async function burst(url: string, count: number) {
  const http = api(url, KEY);
  const channel = `burst-${uid()}`;
  return Promise.all(
    Array.from({ length: count }, (_, i) => http.post(`/v1/channels/${channel}/messages`, { data: i })),
  );
}

function assertOutageAnswers(answers: Awaited<ReturnType<typeof burst>>): void {
  for (const a of answers) {
    assert.equal(a.status, 503, JSON.stringify(a.body));
    assert.equal(a.body.error.code, 'unavailable');
    assert.match(a.body.error.message, /postgres/);
    assert.equal(a.headers.get('retry-after'), '1');
  }
}

/** The outage is told once, however many requests failed, and never as an error with a stack. */
function assertQuietLog(log: CapturedLog): void {
  assert.equal(log.count('postgres unavailable'), 1, 'one line for the outage');
  assert.deepEqual(
    log.lines().filter((l) => l.level >= 50),
    [],
    'no error lines (stack traces) per failed request',
  );
}

describe('postgres stopped', () => {
  let pg: Awaited<ReturnType<typeof startOwnPostgres>>;
  let srv: TestServer;
  let ws: WsClient | undefined;
  const log = captureLog();

  before(async () => {
    pg = await startOwnPostgres();
    srv = await startTestServer(
      { DATABASE_URL: pg.url, API_KEYS: KEY, DATABASE_CONNECT_TIMEOUT: '1s', DATABASE_QUERY_TIMEOUT: '1s' },
      log.log,
    );
  });
  after(async () => {
    ws?.close();
    await srv.close();
    await pg.close();
  });

  it('answers 503 unavailable with Retry-After, reports once, and recovers', async (t) => {
    ws = await WsClient.connect(`${srv.url.replace('http', 'ws')}/v1/ws?token=${KEY}`);
    assert.equal((await burst(srv.url, 1))[0]?.status, 201);
    await pg.stop();

    const started = performance.now();
    const answers = await burst(srv.url, REQUESTS);
    t.diagnostic(`${REQUESTS} publishes answered 503 in ${Math.round(performance.now() - started)} ms`);
    assertOutageAnswers(answers);
    const frame = await ws.request({ type: 'publish', channel: `ws-${uid()}`, data: 1, id: 'm1' }, 'ack');
    assert.equal(frame.type, 'error');
    assert.equal(frame.code, 'unavailable');
    assert.equal(frame.retryAfterMs, 1000);
    assert.equal(frame.id, 'm1');

    const down = await until('readiness to name postgres', async () => {
      const r = await readyz(srv.url);
      return r.status === 503 ? r : undefined;
    });
    assert.deepEqual(down.body.failing, ['postgres']);
    assertQuietLog(log);

    await pg.start();
    await until('publishing to work again', async () =>
      (await burst(srv.url, 1))[0]?.status === 201 ? true : undefined,
    );
    await until('readiness to recover', async () =>
      (await readyz(srv.url)).status === 200 ? true : undefined,
    );
    await until('the recovery line', () => (log.count('postgres recovered') === 1 ? true : undefined));
    assertQuietLog(log);
  });
});

describe('postgres stalled (network partition)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
  let srv: TestServer;
  const log = captureLog();

  before(async () => {
    db = await createTestDatabase();
    const target = new URL(db.url);
    proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port) });
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    srv = await startTestServer(
      {
        DATABASE_URL: viaProxy.toString(),
        API_KEYS: KEY,
        DATABASE_CONNECT_TIMEOUT: '1s',
        DATABASE_QUERY_TIMEOUT: '1s',
        READINESS_TIMEOUT: '1s',
      },
      log.log,
    );
  });
  after(async () => {
    proxy.heal();
    await srv.close();
    await proxy.close();
    await db.drop();
  });

  it('fails publishes within the deadlines instead of hanging, and recovers on heal', async (t) => {
    assert.equal((await burst(srv.url, 1))[0]?.status, 201);
    proxy.stall();

    const started = performance.now();
    const answers = await burst(srv.url, 20);
    t.diagnostic(`20 publishes answered 503 in ${Math.round(performance.now() - started)} ms while stalled`);
    assertOutageAnswers(answers);
    const probe = performance.now();
    const down = await readyz(srv.url);
    t.diagnostic(`/readyz answered ${down.status} in ${Math.round(performance.now() - probe)} ms`);
    assert.equal(down.status, 503);
    assert.deepEqual(down.body.failing, ['postgres']);
    assertQuietLog(log);

    proxy.heal();
    await until('publishing to work again', async () =>
      (await burst(srv.url, 1))[0]?.status === 201 ? true : undefined,
    );
    await until('readiness to recover', async () =>
      (await readyz(srv.url)).status === 200 ? true : undefined,
    );
    await until('the recovery line', () => (log.count('postgres recovered') === 1 ? true : undefined));
    assertQuietLog(log);
  });
});

describe('postgres unreachable at start', () => {
  it('fails start-up with unavailable instead of waiting, so the process exits and is restarted', async () => {
    const db = await createTestDatabase();
    const target = new URL(db.url);
    const proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port) });
    proxy.stall();
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    try {
      const err = await startTestServer({
        DATABASE_URL: viaProxy.toString(),
        DATABASE_CONNECT_TIMEOUT: '1s',
      }).then(
        (srv) => srv.close().then(() => assert.fail('started without its database')),
        (e: unknown) => e as { code?: string; message?: string },
      );
      assert.equal(err.code, 'unavailable');
      assert.match(err.message ?? '', /postgres/);
    } finally {
      proxy.heal();
      await proxy.close();
      await db.drop();
    }
  });
});
