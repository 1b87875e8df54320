// Client tokens expire on open sockets too (one replica, real PostgreSQL and Redis): the socket works until
// the token's `exp`, is closed with 4001 "token expired" at it, and a `refresh` frame moves the expiry,
// refusing bad tokens and other subjects and ending the subscriptions the new token no longer grants.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TokenService } from '../../src/server/auth/tokens.js';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { createTestDatabase, REDIS_URL, uid, until } from '../helpers/services.js';
import { type Api, api, refusedWith, WsClient } from '../helpers/ws-client.js';

const KEY = `key-${uid(12)}`;
const SECRET = `secret-${uid(16)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Minted {
  token: string;
  /** ms since the epoch */
  expiresAt: number;
}

// The sockets wait for real expiries (about 2 s each): the tests run side by side, each on its own channels.
describe('token expiry on open WebSocket connections', { concurrency: true }, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: TestServer;
  let http: Api;
  let wsUrl: string;
  const clients: WsClient[] = [];
  const connect = async (credential: string) => {
    const c = await WsClient.connect(`${wsUrl}?token=${encodeURIComponent(credential)}`);
    clients.push(c);
    return c;
  };
  const mint = async (grant: Record<string, unknown>): Promise<Minted> => {
    const res = await http.post('/v1/tokens', grant);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return { token: res.body.token, expiresAt: Date.parse(res.body.expiresAt) };
  };
  /** Resolves with the close the client saw, and when it saw it; rejects if none came within 15 s. */
  const closeOf = async (c: WsClient) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the server did not close the socket')), 15_000);
    });
    const closed = await Promise.race([c.closed, timeout]).finally(() => clearTimeout(timer));
    return { ...closed, at: Date.now() };
  };

  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer({
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: `t-${uid()}:`,
      API_KEYS: KEY,
      JWT_SECRET: SECRET,
      RATE_LIMIT_ENABLED: 'false',
    });
    http = api(server.url, KEY);
    wsUrl = `${server.url.replace('http', 'ws')}/v1/ws`;
  });

  after(async () => {
    for (const c of clients) c.close();
    await server?.close();
    await db?.drop();
  });

  test('works until exp, then is closed with 4001 and leaves presence; HTTP and upgrades refuse the token', async () => {
    const channel = `exp-${uid()}`;
    // ttl 3 s: expiry has one-second resolution, so this token lives 2-3 s from now.
    const a = await mint({ subscribe: ['exp-*'], publish: ['exp-*'], ttl: 3, sub: 'alice' });
    const c = await connect(a.token);
    const closed = closeOf(c);
    await c.request({ type: 'subscribe', channel, presence: true }, 'subscribed');
    const ack = await c.request({ type: 'publish', channel, data: 'before exp', id: 'p-1' }, 'ack');
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    assert.equal((await http.get(`/v1/channels/${channel}/presence`)).body.count, 1);

    const { code, reason, at } = await closed;
    assert.deepEqual({ code, reason }, { code: 4001, reason: 'token expired' });
    assert.ok(at >= a.expiresAt, `closed ${a.expiresAt - at} ms before the token's exp`);
    assert.equal(c.frames.filter((f) => f.type === 'error').length, 0, JSON.stringify(c.frames));
    await until('presence left', async () =>
      (await http.get(`/v1/channels/${channel}/presence`)).body.count === 0 ? true : undefined,
    );

    // The same token is refused everywhere else now: HTTP requests and new upgrades.
    const viaHttp = await http.post(`/v1/channels/${channel}/messages`, { data: 'late' }, a.token);
    assert.deepEqual([viaHttp.status, viaHttp.body.error?.code], [401, 'token_expired']);
    const history = await http.get(`/v1/channels/${channel}/messages`, a.token);
    assert.deepEqual([history.status, history.body.error?.code], [401, 'token_expired']);
    const refused = await refusedWith(`${wsUrl}?token=${encodeURIComponent(a.token)}`);
    assert.equal(refused.code, 4001);
    assert.match(refused.reason, /^token_expired: /);
    const stored = await http.get(`/v1/channels/${channel}/messages`);
    assert.deepEqual(
      stored.body.messages.map((m: { data: unknown }) => m.data),
      ['before exp'],
    );
  });

  test('a refresh before exp keeps the socket open past the first exp with the new grants', async () => {
    const channel = `exp-${uid()}`;
    const a = await mint({ subscribe: ['exp-*'], publish: ['exp-*'], ttl: 2, sub: 'bob' });
    const b = await mint({ subscribe: ['exp-*'], publish: ['exp-*'], ttl: 120, sub: 'bob' });
    const c = await connect(a.token);
    await c.request({ type: 'subscribe', channel }, 'subscribed');
    const refreshed = await c.request({ type: 'refresh', token: b.token }, 'refreshed');
    assert.deepEqual(refreshed, { type: 'refreshed', expiresAt: new Date(b.expiresAt).toISOString() });

    await sleep(Math.max(0, a.expiresAt - Date.now()) + 500);
    assert.ok(Date.now() > a.expiresAt);
    assert.equal(c.ws.readyState, c.ws.OPEN);
    const ack = await c.request({ type: 'publish', channel, data: 'after the first exp' }, 'ack');
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    const [m] = await c.waitMessages(channel, 1);
    assert.equal(m?.data, 'after the first exp');
    assert.equal(c.ws.readyState, c.ws.OPEN);
  });

  test('a bad refresh is answered with an error frame and the socket still closes at the first exp', async () => {
    const channel = `exp-${uid()}`;
    const a = await mint({ subscribe: ['exp-*'], publish: ['exp-*'], ttl: 3, sub: 'carol' });
    const c = await connect(a.token);
    const closed = closeOf(c);
    const hourAgo = Date.now() - 3_600_000;
    const grant = { subscribe: ['exp-*'], publish: ['exp-*'], ttl: 60, sub: 'carol' };
    const expired = (await new TokenService(SECRET).issue(grant, hourAgo)).token;
    const otherSecret = (await new TokenService(`${SECRET}-other`).issue(grant)).token;
    const refusals: [unknown, string, string | undefined][] = [
      ['not-a-token', 'invalid_token', undefined],
      [otherSecret, 'invalid_token', undefined],
      [KEY, 'invalid_token', undefined],
      [expired, 'token_expired', undefined],
      ['', 'invalid_frame', 'token'],
      [42, 'invalid_frame', 'token'],
    ];
    for (const [token, code, field] of refusals) {
      const err = await c.request({ type: 'refresh', token, id: 'r-1' }, 'refreshed');
      assert.equal(err.type, 'error', `refresh with ${String(token).slice(0, 20)}: ${JSON.stringify(err)}`);
      assert.deepEqual([err.code, err.field, err.id], [code, field, 'r-1']);
    }
    const ack = await c.request({ type: 'publish', channel, data: 'still allowed' }, 'ack');
    assert.equal(ack.type, 'ack', JSON.stringify(ack));

    const { code, reason, at } = await closed;
    assert.deepEqual({ code, reason }, { code: 4001, reason: 'token expired' });
    assert.ok(at >= a.expiresAt, `closed ${a.expiresAt - at} ms before the token's exp`);
    assert.equal(c.frames.filter((f) => f.type === 'refreshed').length, 0);
  });

  test('a refresh for another subject is refused; API-key connections have nothing to refresh', async () => {
    const a = await mint({ subscribe: ['exp-*'], publish: ['exp-*'], ttl: 3, sub: 'dave' });
    const c = await connect(a.token);
    const closed = closeOf(c);
    const cases = [
      await mint({ subscribe: ['exp-*'], publish: ['exp-*'], ttl: 120, sub: 'mallory' }),
      await mint({ subscribe: ['exp-*'], publish: ['exp-*'], ttl: 120 }),
    ];
    for (const other of cases) {
      const err = await c.request({ type: 'refresh', token: other.token }, 'refreshed');
      assert.deepEqual([err.type, err.code, err.field], ['error', 'forbidden', 'token']);
    }
    // The refused tokens did not move the expiry.
    const { code, at } = await closed;
    assert.equal(code, 4001);
    assert.ok(at >= a.expiresAt && at < (cases[0] as Minted).expiresAt);

    // A token without `sub` refreshes only to another token without `sub`.
    const anon = await mint({ subscribe: ['exp-*'], ttl: 60 });
    const anon2 = await mint({ subscribe: ['exp-*'], ttl: 90 });
    const t = await connect(anon.token);
    const ok = await t.request({ type: 'refresh', token: anon2.token }, 'refreshed');
    assert.deepEqual(ok, { type: 'refreshed', expiresAt: new Date(anon2.expiresAt).toISOString() });

    const k = await connect(KEY);
    const refused = await k.request({ type: 'refresh', token: anon.token }, 'refreshed');
    assert.deepEqual([refused.type, refused.code], ['error', 'forbidden']);
    assert.equal((await k.request({ type: 'ping' }, 'pong')).type, 'pong');
  });

  test('a refresh that no longer grants a channel ends that subscription with unsubscribed', async () => {
    const kept = `room-${uid()}`;
    const dropped = `lobby-${uid()}`;
    const a = await mint({
      subscribe: ['room-*', 'lobby-*'],
      publish: ['room-*', 'lobby-*'],
      ttl: 60,
      sub: 'erin',
    });
    const b = await mint({ subscribe: ['room-*'], publish: ['room-*'], ttl: 120, sub: 'erin' });
    const c = await connect(a.token);
    const watcher = await connect(KEY);
    await watcher.request({ type: 'subscribe', channel: dropped, presence: true }, 'subscribed');
    await c.request({ type: 'subscribe', channel: kept }, 'subscribed');
    await c.request({ type: 'subscribe', channel: dropped }, 'subscribed');
    const erin = (e: unknown) => (e as { user?: string } | undefined)?.user === 'erin';
    await watcher.waitFor((f) => f.type === 'presence' && erin(f.joined));

    const from = c.frames.length;
    c.send({ type: 'refresh', token: b.token });
    const refreshed = await c.waitFor((f) => f.type === 'refreshed', { from });
    const answers = c.frames.slice(from);
    assert.deepEqual(answers, [{ type: 'unsubscribed', channel: dropped, reason: 'forbidden' }, refreshed]);
    // The dropped channel is left (presence too) and its messages no longer arrive; the kept one goes on.
    await watcher.waitFor((f) => f.type === 'presence' && erin(f.left));
    await http.post(`/v1/channels/${dropped}/messages`, { data: 'not for you' });
    await http.post(`/v1/channels/${kept}/messages`, { data: 'for you' });
    await watcher.waitMessages(dropped, 1);
    assert.deepEqual(
      (await c.waitMessages(kept, 1)).map((m) => m.data),
      ['for you'],
    );
    assert.deepEqual(c.messages(dropped), []);
    const again = await c.request({ type: 'subscribe', channel: dropped }, 'subscribed');
    assert.deepEqual([again.type, again.code], ['error', 'forbidden']);
    const pub = await c.request({ type: 'publish', channel: dropped, data: 1 }, 'ack');
    assert.deepEqual([pub.type, pub.code], ['error', 'forbidden']);
  });
});
