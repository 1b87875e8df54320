// Admin API across two replicas sharing PostgreSQL and Redis: each sees the other through the bus
// heartbeat, connection listings and disconnects reach both, and a revocation made on one replica closes the
// matching sockets on both at once and is refused by both; the periodic check closes a socket whose
// revocation never came through the bus.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient } from 'redis';
import { REVOCATION_SWEEP_MS } from '../../src/server/admin/revocations.js';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { createTestDatabase, REDIS_URL, uid, until } from '../helpers/services.js';
import { WsClient } from '../helpers/ws-client.js';

const KEY = `admin-key-${uid(16)}`;
const PREFIX = `admin-replicas-${uid()}:`;

describe('admin API across replicas', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let a: TestServer;
  let b: TestServer;
  const call = async <T>(
    srv: TestServer,
    path: string,
    method = 'GET',
    body?: unknown,
    status = 200,
  ): Promise<T> => {
    const res = await fetch(`${srv.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    assert.equal(res.status, status, text);
    return JSON.parse(text) as T;
  };
  const mint = async (sub: string) =>
    (await call<{ token: string }>(a, '/v1/tokens', 'POST', { subscribe: ['*'], sub }, 201)).token;
  const open = (srv: TestServer, token: string) =>
    WsClient.connect(`${srv.url.replace('http', 'ws')}/v1/ws?token=${token}`);

  before(async () => {
    db = await createTestDatabase();
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: PREFIX,
      API_KEYS: KEY,
      JWT_SECRET: 'y'.repeat(40),
    };
    a = await startTestServer(env);
    b = await startTestServer(env);
  });
  after(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await db?.drop();
  });

  it('sees both replicas in the status of each', async () => {
    for (const srv of [a, b]) {
      await until('both replicas in the status', async () => {
        const s = await call<{ replicas: { replica: string }[] }>(srv, '/v1/admin/status');
        return s.replicas.length === 2 ? true : undefined;
      });
    }
  });

  it('lists the connections of both replicas and disconnects a subject on both', async () => {
    const sub = `alice-${uid()}`;
    const token = await mint(sub);
    const [onA, onB] = await Promise.all([open(a, token), open(b, token)]);
    type Listing = { connections: { sub: string; replica: string }[]; replicas: string[]; missing: string[] };
    const listing = await call<Listing>(b, '/v1/admin/connections');
    assert.deepEqual(listing.missing, []);
    assert.equal(listing.replicas.length, 2);
    const mine = listing.connections.filter((c) => c.sub === sub);
    assert.equal(new Set(mine.map((c) => c.replica)).size, 2, JSON.stringify(mine));
    const local = await call<Listing>(a, '/v1/admin/connections?scope=replica');
    assert.equal(local.connections.filter((c) => c.sub === sub).length, 1);

    const done = await call<{ closed: number }>(a, `/v1/admin/connections?sub=${sub}`, 'DELETE');
    assert.equal(done.closed, 2);
    assert.equal((await onA.closed).code, 4002);
    assert.equal((await onB.closed).code, 4002);
  });

  it('revokes a subject on one replica: sockets on both close with 4003 and both refuse the old tokens', async () => {
    const sub = `bob-${uid()}`;
    const token = await mint(sub);
    const [onA, onB] = await Promise.all([open(a, token), open(b, token)]);
    const r = await call<{ closed: number; missing: string[] }>(
      b,
      '/v1/admin/revocations',
      'POST',
      { sub },
      201,
    );
    assert.equal(r.closed, 2);
    assert.deepEqual(r.missing, []);
    assert.deepEqual(await onA.closed, { code: 4003, reason: 'token revoked' });
    assert.deepEqual(await onB.closed, { code: 4003, reason: 'token revoked' });
    for (const srv of [a, b]) {
      const res = await fetch(`${srv.url}/v1/channels/x/messages`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'token_revoked');
    }
    // Tokens of that subject issued after the revocation's second work again.
    await new Promise((r) => setTimeout(r, 1100));
    const fresh = await mint(sub);
    const res = await fetch(`${a.url}/v1/channels/x/messages`, {
      headers: { authorization: `Bearer ${fresh}` },
    });
    assert.equal(res.status, 200);
  });

  it('closes a socket whose revocation reached the shared state but not the bus, at the periodic check', async () => {
    const token = await mint(`carol-${uid()}`);
    const jti = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).jti as string;
    const ws = await open(b, token);
    // Written straight into Redis, as a revocation whose bus message was lost would leave it.
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    await redis.set(`${PREFIX}revoked:jti:${jti}`, String(Date.now()), { PX: 60_000 });
    await redis.quit();
    const started = Date.now();
    const closed = await Promise.race([
      ws.closed,
      new Promise<null>((r) => setTimeout(() => r(null), REVOCATION_SWEEP_MS + 5000)),
    ]);
    assert.deepEqual(
      closed,
      { code: 4003, reason: 'token revoked' },
      `not closed within ${Date.now() - started} ms`,
    );
  });
});
