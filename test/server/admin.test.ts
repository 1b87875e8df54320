// Admin API on one replica against real PostgreSQL, Redis and MinIO: API key only, every call logged with its
// principal and never the key; channels, connections and disconnect, revocation on HTTP, upgrade and open
// sockets, files, backups with pg_dump, status and metrics; `/` serves the console to browsers only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { captureLog } from '../helpers/log-capture.js';
import { createTestDatabase, REDIS_URL, startS3, uid } from '../helpers/services.js';
import { WsClient } from '../helpers/ws-client.js';

const KEY = `admin-key-${uid(16)}`;

/**
 * A refused upgrade: an HTTP 401 naming the code, or (where the gateway completes refused handshakes so that
 * browsers can read why) an immediate close with 4401 and the code as the reason.
 */
export async function assertRefused(url: string, code: string): Promise<void> {
  const outcome = await WsClient.connect(url).then(
    async (client) => ({ closed: await client.closed }),
    (err: Error) => ({ err }),
  );
  if ('err' in outcome) {
    assert.match(outcome.err.message, /401/);
    assert.ok(outcome.err.message.includes(code), outcome.err.message);
  } else {
    assert.equal(outcome.closed.code, 4401);
    assert.ok(outcome.closed.reason.startsWith(code), outcome.closed.reason);
  }
}

describe('admin API', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let srv: TestServer;
  const captured = captureLog('info');
  const call = (path: string, init: { method?: string; body?: unknown; credential?: string } = {}) =>
    fetch(`${srv.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${init.credential ?? KEY}`,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  const json = async <T = Record<string, unknown>>(res: Response, status = 200): Promise<T> => {
    const text = await res.text();
    assert.equal(res.status, status, text);
    return JSON.parse(text) as T;
  };
  const mint = async (grant: Record<string, unknown>) =>
    (await json<{ token: string }>(await call('/v1/tokens', { method: 'POST', body: grant }), 201)).token;
  const publish = (channel: string, data: unknown) =>
    call(`/v1/channels/${channel}/messages`, { method: 'POST', body: { data } });

  before(async () => {
    db = await createTestDatabase();
    const s3 = await startS3();
    srv = await startTestServer(
      {
        DATABASE_URL: db.url,
        REDIS_URL,
        REDIS_KEY_PREFIX: `admin-${uid()}:`,
        S3_ENDPOINT: s3.endpoint,
        S3_ACCESS_KEY: s3.accessKey,
        S3_SECRET_KEY: s3.secretKey,
        S3_BUCKET: `admin-${uid()}`,
        API_KEYS: KEY,
        JWT_SECRET: 'x'.repeat(40),
      },
      captured.log,
    );
  });
  after(async () => {
    await srv?.close();
    await db?.drop();
  });

  it('is for API keys only: 401 anonymous, 403 client tokens; each call is logged with its principal', async () => {
    assert.equal((await fetch(`${srv.url}/v1/admin/status`)).status, 401);
    const token = await mint({ subscribe: ['*'], publish: ['*'] });
    const denied = await json<{ error: { code: string } }>(
      await call('/v1/admin/status', { credential: token }),
      403,
    );
    assert.equal(denied.error.code, 'forbidden');
    await json(await call('/v1/admin/status'));
    const lines = captured.lines().filter((l) => l.msg === 'admin call');
    const ok = lines.find((l) => l.status === 200 && l.action === 'GET /v1/admin/status');
    assert.match(String(ok?.principal), /^key:[0-9a-f]{12}$/);
    assert.ok(lines.some((l) => l.status === 403 && String(l.principal).startsWith('token:')));
    assert.ok(!JSON.stringify(captured.lines()).includes(KEY), 'the key itself is never logged');
  });

  it('reports status with each dependency, this replica, and a metrics summary with publish p99', async () => {
    const s = await json<{
      version: string;
      draining: boolean;
      uptimeSeconds: number;
      dependencies: { name: string; driver: string; ok: boolean; latencyMs: number; up: boolean }[];
      replicas: { replica: string }[];
      replica: string;
    }>(await call('/v1/admin/status'));
    assert.equal(s.version, '0.1.0');
    assert.equal(s.draining, false);
    assert.deepEqual(
      s.dependencies.map((d) => [d.name, d.driver, d.ok, d.up]),
      [
        ['postgres', 'pg', true, true],
        ['redis', 'redis', true, true],
        ['storage', 's3', true, true],
      ],
    );
    assert.equal(s.replicas[0]?.replica, s.replica);
    for (let i = 0; i < 5; i++) assert.equal((await publish('metrics-room', { i })).status, 201);
    const m = await json<{ publishedTotal: number; publishP99Ms: number | null; connections: number }>(
      await call('/v1/admin/metrics'),
    );
    assert.ok(m.publishedTotal >= 5, JSON.stringify(m));
    assert.ok(m.publishP99Ms !== null && m.publishP99Ms > 0, JSON.stringify(m));
  });

  it('lists channels by page with counts, subscribers and presence, and describes one', async () => {
    const prefix = `list-${uid()}-`;
    for (const n of ['a', 'b', 'c']) assert.equal((await publish(`${prefix}${n}`, { n })).status, 201);
    assert.equal((await publish(`${prefix}b`, { again: true })).status, 201);
    const ws = await WsClient.connect(`${srv.url.replace('http', 'ws')}/v1/ws?token=${KEY}`);
    ws.send({ type: 'subscribe', channel: `${prefix}b` });
    await ws.waitFor((f) => f.type === 'subscribed');
    type Page = {
      channels: { channel: string; count: number; subscribers: number; presence: number }[];
      next: string | null;
    };
    const first = await json<Page>(await call(`/v1/admin/channels?prefix=${prefix}&limit=2`));
    assert.deepEqual(
      first.channels.map((c) => c.channel),
      [`${prefix}a`, `${prefix}b`],
    );
    assert.equal(first.next, `${prefix}b`);
    const b = first.channels[1];
    assert.equal(b?.count, 2);
    assert.equal(b?.subscribers, 1);
    assert.equal(b?.presence, 1);
    const second = await json<Page>(
      await call(`/v1/admin/channels?prefix=${prefix}&limit=2&after=${first.next}`),
    );
    assert.deepEqual(
      second.channels.map((c) => c.channel),
      [`${prefix}c`],
    );
    assert.equal(second.next, null);
    const info = await json<{ firstOffset: number; lastOffset: number; history: string; members: unknown[] }>(
      await call(`/v1/admin/channels/${prefix}b`),
    );
    assert.equal(info.firstOffset, 1);
    assert.equal(info.lastOffset, 2);
    assert.equal(info.members.length, 1);
    const history = await json<{ messages: { offset: number }[] }>(await call(`${info.history}?since=1`));
    assert.deepEqual(
      history.messages.map((m) => m.offset),
      [2],
    );
    const missing = await json<{ error: { code: string } }>(
      await call(`/v1/admin/channels/${prefix}zzz`),
      404,
    );
    assert.equal(missing.error.code, 'channel_not_found');
    ws.ws.close();
  });

  it('lists connections with principal, subject, channels and address, and disconnects one and a subject', async () => {
    const sub = `user-${uid()}`;
    const token = await mint({ subscribe: ['conn-*'], sub });
    const wsUrl = `${srv.url.replace('http', 'ws')}/v1/ws?token=${token}`;
    const [one, two] = await Promise.all([WsClient.connect(wsUrl), WsClient.connect(wsUrl)]);
    one.send({ type: 'subscribe', channel: 'conn-1' });
    await one.waitFor((f) => f.type === 'subscribed');
    type Listing = {
      connections: {
        id: string;
        sub: string | null;
        principal: string;
        channels: string[];
        remoteAddress: string;
      }[];
    };
    const listing = await json<Listing>(await call('/v1/admin/connections'));
    const mine = listing.connections.filter((c) => c.sub === sub);
    assert.equal(mine.length, 2);
    const withChannel = mine.find((c) => c.channels.includes('conn-1'));
    assert.ok(withChannel, JSON.stringify(mine));
    assert.match(withChannel.principal, /^token:/);
    assert.equal(withChannel.remoteAddress, '127.0.0.1');
    const closed = await json<{ closed: number }>(
      await call(`/v1/admin/connections/${withChannel.id}`, { method: 'DELETE' }),
    );
    assert.equal(closed.closed, 1);
    assert.deepEqual(await one.closed, { code: 4002, reason: 'disconnected by an administrator' });
    const gone = await json<{ error: { code: string } }>(
      await call(`/v1/admin/connections/${withChannel.id}`, { method: 'DELETE' }),
      404,
    );
    assert.equal(gone.error.code, 'connection_not_found');
    const bySub = await json<{ closed: number }>(
      await call(`/v1/admin/connections?sub=${sub}`, { method: 'DELETE' }),
    );
    assert.equal(bySub.closed, 1);
    assert.equal((await two.closed).code, 4002);
  });

  it('revokes a token by jti: HTTP and upgrades refuse it, its open socket closes with 4003, others live on', async () => {
    const token = await mint({ subscribe: ['rev-*'], publish: ['rev-*'], sub: 'rev-user' });
    const other = await mint({ subscribe: ['rev-*'], publish: ['rev-*'], sub: 'rev-user' });
    const jti = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).jti as string;
    const wsBase = `${srv.url.replace('http', 'ws')}/v1/ws?token=`;
    const [ws, otherWs] = await Promise.all([
      WsClient.connect(wsBase + token),
      WsClient.connect(wsBase + other),
    ]);
    const r = await json<{ closed: number; jti: string }>(
      await call('/v1/admin/revocations', { method: 'POST', body: { jti } }),
      201,
    );
    assert.equal(r.closed, 1);
    assert.deepEqual(await ws.closed, { code: 4003, reason: 'token revoked' });
    const refused = await json<{ error: { code: string } }>(
      await fetch(`${srv.url}/v1/channels/rev-1/messages`, { headers: { authorization: `Bearer ${token}` } }),
      401,
    );
    assert.equal(refused.error.code, 'token_revoked');
    await assertRefused(wsBase + token, 'token_revoked');
    otherWs.send({ type: 'ping', id: 1 });
    await otherWs.waitFor((f) => f.type === 'pong');
    // A refresh with a revoked token is refused like any invalid one.
    otherWs.send({ type: 'refresh', token });
    const e = await otherWs.waitFor((f) => f.type === 'error');
    assert.equal(e.code, 'token_revoked');
    const bad = await json<{ error: { code: string } }>(
      await call('/v1/admin/revocations', { method: 'POST', body: {} }),
      400,
    );
    assert.equal(bad.error.code, 'invalid_body');
    otherWs.ws.close();
  });

  it('lists files newest first by page; an API key downloads and deletes any of them', async () => {
    const token = await mint({ files: ['upload'], sub: 'uploader' });
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const res = await fetch(`${srv.url}/v1/files?name=f${n}.txt`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
        body: `file ${n}`,
      });
      ids.push((await json<{ id: string }>(res, 201)).id);
    }
    type Files = {
      files: { id: string; name: string; owner: string; status: string }[];
      next: string | null;
    };
    const first = await json<Files>(await call('/v1/admin/files?limit=2'));
    assert.deepEqual(
      first.files.map((f) => f.id),
      [ids[2], ids[1]],
    );
    assert.equal(first.files[0]?.status, 'ready');
    assert.ok(first.next);
    const second = await json<Files>(await call(`/v1/admin/files?limit=2&before=${first.next}`));
    assert.deepEqual(
      second.files.map((f) => f.id),
      [ids[0]],
    );
    assert.equal(await (await call(`/v1/files/${ids[0]}`)).text(), 'file 1');
    assert.equal((await call(`/v1/files/${ids[0]}`, { method: 'DELETE' })).status, 204);
    const after = await json<Files>(await call('/v1/admin/files?limit=10'));
    assert.deepEqual(
      after.files.map((f) => f.id),
      [ids[2], ids[1]],
    );
  });

  it('runs a backup now with pg_dump into object storage and lists it with its age and run', async () => {
    const made = await json<{ name: string; size: number; sha256: string }>(
      await call('/v1/admin/backups', { method: 'POST' }),
      201,
    );
    assert.ok(made.size > 0);
    assert.match(made.sha256, /^[0-9a-f]{64}$/);
    const list = await json<{
      available: boolean;
      backups: { name: string; hasChecksum: boolean }[];
      newest: { name: string; ageSeconds: number };
      runs: { status: string; name: string; by: string }[];
    }>(await call('/v1/admin/backups'));
    assert.equal(list.available, true);
    assert.equal(list.backups[0]?.name, made.name);
    assert.equal(list.backups[0]?.hasChecksum, true);
    assert.equal(list.newest.name, made.name);
    assert.ok(list.newest.ageSeconds >= 0 && list.newest.ageSeconds < 600);
    assert.equal(list.runs[0]?.status, 'succeeded');
    assert.equal(list.runs[0]?.name, made.name);
    assert.match(String(list.runs[0]?.by), /^admin key:/);
  });

  it('serves the console at / to browsers, with its scripts under the CSP; JSON callers still get 404', async () => {
    const page = await fetch(`${srv.url}/`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const html = await page.text();
    assert.ok(html.includes('/console/js/main.js') && !/<script>[^<]/.test(html), 'no inline script');
    const js = await fetch(`${srv.url}/console/js/main.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    const api = await fetch(`${srv.url}/`, { headers: { accept: 'application/json' } });
    assert.equal(api.status, 404);
    assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'route_not_found');
    const settings = (await (await fetch(`${srv.url}/console/settings.json`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(settings.apiKeysConfigured, true);
  });
});
