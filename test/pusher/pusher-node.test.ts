// The Pusher face against the clients nobody here wrote: pusher-js (Node build) and the `pusher` server
// library on one in-process server with real PostgreSQL: public, private, presence, encrypted and cache
// channels, client events, socket exclusion, sign-in and server-to-user events, terminate_connections,
// channel queries, signature and authorization failures, history on the paasport side, and webhooks.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type Pusher from 'pusher';
import { startTestServer, type TestServer } from '../helpers/app.js';
import {
  type AppCreds,
  connectClient,
  connected,
  nextEvent,
  type PusherClient,
  serverLib,
  subscribed,
  type WebhookReceiver,
  webhookReceiver,
} from '../helpers/pusher-clients.js';
import { createTestDatabase, REDIS_URL, uid, until } from '../helpers/services.js';

const APP: AppCreds = { id: 'app1', key: `key-${uid(4)}`, secret: `secret-${uid(16)}` };
const QUIET: AppCreds = { id: 'app2', key: `key2-${uid(4)}`, secret: `secret2-${uid(16)}` };
const API_KEY = `api-${uid(12)}`;
const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

describe('Pusher face with pusher-js and the pusher library', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: TestServer;
  let hooks: WebhookReceiver;
  let lib: Pusher;
  const clients: PusherClient[] = [];
  const client = async (key = APP.key, auth = lib, user = 'u1') => {
    const c = connectClient(server.port, key, auth, user);
    clients.push(c);
    await connected(c);
    return c;
  };

  before(async () => {
    db = await createTestDatabase();
    hooks = await webhookReceiver();
    server = await startTestServer({
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: `t${uid()}:`,
      API_KEYS: API_KEY,
      PUSHER_APP_ID: APP.id,
      PUSHER_APP_KEY: APP.key,
      PUSHER_APP_SECRET: APP.secret,
      PUSHER_APP_CLIENT_EVENTS: 'true',
      PUSHER_APP_WEBHOOK_URL: hooks.url,
      PUSHER_WEBHOOK_BATCH: '50ms',
      PUSHER_APPS: JSON.stringify([{ ...QUIET, enableClientMessages: false, maxConnections: 1 }]),
    });
    lib = serverLib(server.port, APP, { encryptionMasterKeyBase64: MASTER_KEY });
  });

  after(async () => {
    for (const c of clients) c.disconnect();
    await server?.close();
    await hooks?.close();
    await db?.drop();
  });

  test('public channel: trigger from the library reaches pusher-js and lands in paasport history', async () => {
    const c = await client();
    const ch = await subscribed(c, 'news');
    const got = nextEvent<{ n: number }>(ch, 'headline');
    await lib.trigger('news', 'headline', { n: 1 });
    assert.deepEqual(await got, { n: 1 });
    const res = await fetch(`${server.url}/v1/channels/pusher.app1.news/messages`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    const body = (await res.json()) as { messages: { data: { event: string; data: string } }[] };
    assert.equal(res.status, 200);
    assert.equal(body.messages.at(-1)?.data.event, 'headline');
    assert.equal(body.messages.at(-1)?.data.data, '{"n":1}');
  });

  test('private channel: signed by the library subscribes; a wrong signature is refused', async () => {
    const c = await client();
    const ch = await subscribed(c, 'private-orders');
    const got = nextEvent(ch, 'shipped');
    await lib.trigger('private-orders', 'shipped', 'box 7');
    assert.equal(await got, 'box 7');

    const forger = serverLib(server.port, { ...APP, secret: 'not-the-secret' });
    const bad = await client(APP.key, forger);
    const refused = bad.subscribe('private-orders');
    const err = await nextEvent<{ type: string; status: number }>(refused, 'pusher:subscription_error');
    assert.equal(err.type, 'AuthError');
    assert.equal(err.status, 401);
    assert.equal(refused.subscribed, false);
  });

  test('presence: members, member_added and member_removed, users and channel queries', async () => {
    const alice = await client(APP.key, lib, 'alice');
    const room = (await subscribed(alice, 'presence-room')) as unknown as PusherJsPresence;
    assert.deepEqual(Object.keys(room.members.members), ['alice']);
    const bob = await client(APP.key, lib, 'bob');
    const added = nextEvent<{ id: string; info: { name: string } }>(room, 'pusher:member_added');
    const bobRoom = (await subscribed(bob, 'presence-room')) as unknown as PusherJsPresence;
    assert.deepEqual((await added).info, { name: 'bob' });
    assert.equal(bobRoom.members.count, 2);
    // A second connection of bob is not a new member.
    const bob2 = await client(APP.key, lib, 'bob');
    await subscribed(bob2, 'presence-room');

    const users = (await (await lib.get({ path: '/channels/presence-room/users' })).json()) as {
      users: { id: string }[];
    };
    assert.deepEqual(users.users.map((u) => u.id).sort(), ['alice', 'bob']);
    const info = (await (
      await lib.get({ path: '/channels/presence-room', params: { info: 'user_count,subscription_count' } })
    ).json()) as Record<string, unknown>;
    assert.deepEqual(info, { occupied: true, user_count: 2, subscription_count: 3 });
    const list = (await (
      await lib.get({ path: '/channels', params: { filter_by_prefix: 'presence-', info: 'user_count' } })
    ).json()) as { channels: Record<string, { user_count: number }> };
    assert.equal(list.channels['presence-room']?.user_count, 2);

    const removed = nextEvent<{ id: string }>(room, 'pusher:member_removed');
    bob2.disconnect();
    bob.disconnect();
    assert.equal((await removed).id, 'bob');
    assert.equal(room.members.count, 1);
  });

  test('client events: delivered to the others on the channel, not to the sender; refused where disabled', async () => {
    const a = await client(APP.key, lib, 'a');
    const b = await client(APP.key, lib, 'b');
    const chA = await subscribed(a, 'private-chat');
    const chB = await subscribed(b, 'private-chat');
    let echoed = false;
    chA.bind('client-typing', () => {
      echoed = true;
    });
    const got = nextEvent<{ who: string }>(chB, 'client-typing');
    assert.equal(chA.trigger('client-typing', { who: 'a' }), true);
    assert.deepEqual(await got, { who: 'a' });
    assert.equal(echoed, false);

    const quietLib = serverLib(server.port, QUIET);
    const q = await client(QUIET.key, quietLib);
    const qch = await subscribed(q, 'private-chat');
    const error = nextEvent<{ code: number }>(q.connection, 'error');
    qch.trigger('client-typing', { who: 'q' });
    const e = (await error) as unknown as { data: { code: number } };
    assert.equal(e.data.code, 4301);
  });

  test('socket_id excludes the triggering connection', async () => {
    const a = await client();
    const b = await client();
    const chA = await subscribed(a, 'excl');
    const chB = await subscribed(b, 'excl');
    let aGot = 0;
    chA.bind('ev', () => aGot++);
    const bGot = nextEvent(chB, 'ev');
    await lib.trigger('excl', 'ev', 'x', { socket_id: a.connection.socket_id });
    await bGot;
    const last = nextEvent(chA, 'after');
    await lib.trigger('excl', 'after', 'y');
    await last;
    assert.equal(aGot, 0);
  });

  test('cache channel: cache_miss when empty, then the last event on subscribe', async () => {
    const a = await client();
    const miss = a.subscribe('cache-prices');
    await nextEvent(miss, 'pusher:cache_miss');
    await lib.trigger('cache-prices', 'price', { eur: 1 });
    await lib.trigger('cache-prices', 'price', { eur: 2 });
    const b = await client();
    const ch = b.subscribe('cache-prices');
    assert.deepEqual(await nextEvent(ch, 'price'), { eur: 2 });
  });

  test('encrypted channel: the server relays ciphertext, pusher-js decrypts with the shared secret', async () => {
    const a = await client();
    const ch = await subscribed(a, 'private-encrypted-vault');
    const got = nextEvent(ch, 'secret');
    await lib.trigger('private-encrypted-vault', 'secret', { code: 'swordfish' });
    assert.deepEqual(await got, { code: 'swordfish' });
    const res = await fetch(`${server.url}/v1/channels/pusher.app1.private-encrypted-vault/messages`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    const stored = await res.text();
    assert.match(stored, /ciphertext/);
    assert.doesNotMatch(stored, /swordfish/);
  });

  test('sign-in, events to the user, and terminate_connections', async () => {
    const c = await client(APP.key, lib, 'carol');
    c.signin();
    await until('carol to be signed in', () =>
      (c.user as unknown as { user_data?: unknown }).user_data ? true : undefined,
    );
    await until('the server-to-user channel', () =>
      (c.user as unknown as { serverToUserChannel?: { subscribed: boolean } }).serverToUserChannel?.subscribed
        ? true
        : undefined,
    );
    const got = nextEvent(c.user as unknown as Parameters<typeof nextEvent>[0], 'note');
    await lib.sendToUser('carol', 'note', { hi: 1 });
    assert.deepEqual(await got, { hi: 1 });
    const closed = new Promise<void>((resolve) =>
      c.connection.bind('state_change', (s: { current: string }) => s.current !== 'connected' && resolve()),
    );
    await lib.terminateUserConnections('carol');
    await closed;
  });

  test('HTTP API: batch with info, signature, timestamp and body_md5 failures', async () => {
    const ok = await lib.triggerBatch([
      { channel: 'b1', name: 'e', data: '1', info: 'subscription_count' },
      { channel: 'b2', name: 'e', data: '2' },
    ]);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { batch: [{ subscription_count: 0 }, {}] });

    const forger = serverLib(server.port, { ...APP, secret: 'wrong' });
    await assert.rejects(forger.trigger('news', 'e', 'x'), (err: { status: number; body: string }) => {
      assert.equal(err.status, 401);
      assert.match(err.body, /Invalid signature/);
      return true;
    });
    const unknownApp = serverLib(server.port, { ...APP, id: 'nope' });
    await assert.rejects(
      unknownApp.trigger('news', 'e', 'x'),
      (err: { status: number }) => err.status === 404,
    );

    const body = JSON.stringify({ name: 'e', channels: ['news'], data: 'x' });
    const old = Math.floor(Date.now() / 1000) - 3600;
    const params = `auth_key=${APP.key}&auth_timestamp=${old}&auth_version=1.0&body_md5=${md5(body)}`;
    const sig = hmac(APP.secret, `POST\n/apps/app1/events\n${params}`);
    const stale = await fetch(`${server.url}/apps/app1/events?${params}&auth_signature=${sig}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    assert.equal(stale.status, 401);
    assert.match(await stale.text(), /Timestamp expired/);
    const now = Math.floor(Date.now() / 1000);
    const p2 = `auth_key=${APP.key}&auth_timestamp=${now}&auth_version=1.0&body_md5=${md5('{}')}`;
    const tampered = await fetch(
      `${server.url}/apps/app1/events?${p2}&auth_signature=${hmac(APP.secret, `POST\n/apps/app1/events\n${p2}`)}`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body },
    );
    assert.equal(tampered.status, 401);
    assert.match(await tampered.text(), /body_md5/);
  });

  test('unknown app key: pusher:error 4001 and pusher-js gives up instead of retrying', async () => {
    const c = connectClient(server.port, 'no-such-key', lib);
    clients.push(c);
    const err = (await nextEvent(c.connection, 'error')) as { error?: { data?: { code: number } } };
    assert.equal(err.error?.data?.code, 4001);
    await until('pusher-js to stop', () => (c.connection.state === 'disconnected' ? true : undefined));
  });

  test('webhooks: occupied, member_added, client_event, member_removed, vacated, signed as Pusher signs', async () => {
    const before = hooks.received.length;
    const a = await client(APP.key, lib, 'hooky');
    const b = await client(APP.key, lib, 'other');
    const chA = await subscribed(a, 'presence-hooks');
    await subscribed(b, 'presence-hooks');
    chA.trigger('client-wave', { hi: true });
    a.unsubscribe('presence-hooks');
    b.unsubscribe('presence-hooks');
    const names = () =>
      hooks.received
        .slice(before)
        .flatMap((r) => (JSON.parse(r.rawBody) as { events: { name: string; channel: string }[] }).events)
        .filter((e) => e.channel === 'presence-hooks')
        .map((e) => e.name);
    await until('the webhooks', () => (names().includes('channel_vacated') ? true : undefined));
    for (const n of ['channel_occupied', 'member_added', 'client_event', 'member_removed', 'channel_vacated'])
      assert.ok(names().includes(n), `${n} in ${names().join(',')}`);
    for (const r of hooks.received.slice(before)) {
      const hook = lib.webhook({ headers: r.headers, rawBody: r.rawBody });
      assert.equal(hook.isValid(), true);
    }
  });

  test('webhooks: a failed post is retried with backoff', async () => {
    const before = hooks.received.length;
    hooks.failNext(1);
    const a = await client();
    await subscribed(a, 'retried');
    const occupied = () =>
      hooks.received
        .slice(before)
        .some((r) => r.rawBody.includes('"channel_occupied"') && r.rawBody.includes('"retried"'));
    await until('the retried webhook', () => (occupied() ? true : undefined));
    const r = hooks.received.slice(before).find((x) => x.rawBody.includes('"retried"'));
    assert.equal(lib.webhook({ headers: r?.headers ?? {}, rawBody: r?.rawBody ?? '' }).isValid(), true);
  });

  test("an app's connection quota: the connection past it gets pusher:error 4100", async () => {
    // The quiet app allows one connection: of two more, at least one is over the quota.
    const quietLib = serverLib(server.port, QUIET);
    const pair = [
      connectClient(server.port, QUIET.key, quietLib),
      connectClient(server.port, QUIET.key, quietLib),
    ];
    clients.push(...pair);
    const err = (await Promise.any(pair.map((c) => nextEvent(c.connection, 'error')))) as {
      error?: { data?: { code: number } };
    };
    assert.equal(err.error?.data?.code, 4100);
    for (const c of pair) c.disconnect();
  });
});

interface PusherJsPresence {
  members: { members: Record<string, unknown>; count: number };
  bind(event: string, cb: (data: never) => void): unknown;
  unbind(event: string, cb: (data: never) => void): unknown;
}

import { createHash, createHmac } from 'node:crypto';

function md5(s: string): string {
  return createHash('md5').update(s).digest('hex');
}

function hmac(secret: string, s: string): string {
  return createHmac('sha256', secret).update(s).digest('hex');
}
