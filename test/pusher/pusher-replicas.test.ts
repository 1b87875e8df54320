// The Pusher face across two server processes sharing PostgreSQL and Redis: events triggered on one replica
// reach subscribers of the other, presence and occupancy are shared, client events cross, cache channels
// replay across, terminate_connections reaches the other replica, a crashed replica's members are removed
// after the presence TTL, and a client of a drained replica reconnects to its successor and resubscribes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type Pusher from 'pusher';
import {
  type AppCreds,
  connectClient,
  connected,
  nextEvent,
  type PusherClient,
  serverLib,
  subscribed,
} from '../helpers/pusher-clients.js';
import {
  createTestDatabase,
  REDIS_URL,
  type ServerProcess,
  startServerProcess,
  uid,
  until,
} from '../helpers/services.js';

const APP: AppCreds = { id: 'multi', key: `key-${uid(4)}`, secret: `secret-${uid(16)}` };

interface PresenceLike {
  members: { count: number; members: Record<string, unknown> };
}

describe('Pusher face across two replicas (Redis bus and shared state)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let env: Record<string, string>;
  const replicas: ServerProcess[] = [];
  const libs: Pusher[] = [];
  const clients: PusherClient[] = [];
  const client = async (i: number, user = 'u') => {
    const c = connectClient(replicas[i]?.port as number, APP.key, libs[i] as Pusher, user);
    clients.push(c);
    await connected(c);
    return c;
  };

  before(async () => {
    db = await createTestDatabase();
    env = {
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: `t${uid()}:`,
      PUSHER_APP_ID: APP.id,
      PUSHER_APP_KEY: APP.key,
      PUSHER_APP_SECRET: APP.secret,
      PUSHER_APP_CLIENT_EVENTS: 'true',
      PRESENCE_TTL: '3s',
      PRESENCE_HEARTBEAT: '1s',
    };
    const [a, b] = await Promise.all([
      startServerProcess(env, { readyTimeoutMs: 60_000 }),
      startServerProcess(env, { readyTimeoutMs: 60_000 }),
    ]);
    replicas.push(a, b);
    libs.push(serverLib(a.port, APP), serverLib(b.port, APP));
  });

  after(async () => {
    for (const c of clients) c.disconnect();
    await Promise.all(replicas.map((r) => r.stop()));
    await db?.drop();
  });

  test('events triggered on one replica reach subscribers of the other; occupancy is shared', async () => {
    const c = await client(0);
    const ch = await subscribed(c, 'private-feed');
    const got = nextEvent(ch, 'item');
    await libs[1]?.trigger('private-feed', 'item', { n: 1 });
    assert.deepEqual(await got, { n: 1 });
    const info = (await (
      await (libs[1] as Pusher).get({
        path: '/channels/private-feed',
        params: { info: 'subscription_count' },
      })
    ).json()) as { occupied: boolean; subscription_count: number };
    assert.deepEqual(info, { occupied: true, subscription_count: 1 });
    const list = (await (await (libs[1] as Pusher).get({ path: '/channels' })).json()) as {
      channels: Record<string, unknown>;
    };
    assert.ok('private-feed' in list.channels);
  });

  test('presence and client events across replicas', async () => {
    const alice = await client(0, 'alice');
    const bob = await client(1, 'bob');
    const roomA = await subscribed(alice, 'presence-team');
    const added = nextEvent<{ id: string }>(roomA, 'pusher:member_added');
    const roomB = await subscribed(bob, 'presence-team');
    assert.equal((await added).id, 'bob');
    assert.equal((roomB as unknown as PresenceLike).members.count, 2);
    const whisper = nextEvent(roomA, 'client-note');
    roomB.trigger('client-note', { from: 'bob' });
    assert.deepEqual(await whisper, { from: 'bob' });
    const removed = nextEvent<{ id: string }>(roomA, 'pusher:member_removed');
    bob.disconnect();
    assert.equal((await removed).id, 'bob');
  });

  test('cache channel: the last event triggered on one replica is replayed by the other', async () => {
    await libs[0]?.trigger('cache-score', 'score', { home: 3 });
    const c = await client(1);
    const ch = c.subscribe('cache-score');
    assert.deepEqual(await nextEvent(ch, 'score'), { home: 3 });
  });

  test('terminate_connections on one replica closes the user on the other', async () => {
    const c = await client(0, 'mallory');
    c.signin();
    await until('signed in', () =>
      (c.user as unknown as { user_data?: unknown }).user_data ? true : undefined,
    );
    const err = nextEvent<{ error?: { data?: { code: number } }; data?: { code: number } }>(
      c.connection,
      'error',
    );
    await libs[1]?.terminateUserConnections('mallory');
    const e = await err;
    assert.equal(e.error?.data?.code ?? e.data?.code, 4009);
  });

  test('a client of a drained replica reconnects to its successor and resubscribes', async () => {
    const first = replicas[0] as ServerProcess;
    const c = await client(0, 'roamer');
    const before = c.connection.socket_id;
    const ch = await subscribed(c, 'private-roam');
    assert.equal(await first.stop('SIGTERM'), 0);
    const next = await startServerProcess({ ...env, PORT: String(first.port) }, { readyTimeoutMs: 60_000 });
    replicas[0] = next;
    await until(
      'a new connection',
      () => (c.connection.state === 'connected' && c.connection.socket_id !== before ? true : undefined),
      20_000,
    );
    await until('resubscribed', async () => {
      const res = await (libs[1] as Pusher).get({ path: '/channels/private-roam' });
      return ((await res.json()) as { occupied: boolean }).occupied ? true : undefined;
    });
    const got = nextEvent(ch, 'back');
    await libs[1]?.trigger('private-roam', 'back', 'ok');
    assert.equal(await got, 'ok');
  });

  test('members of a crashed replica are removed after the presence TTL', async () => {
    const watcher = await client(0, 'watcher');
    const room = await subscribed(watcher, 'presence-crash');
    const doomed = await client(1, 'doomed');
    const added = nextEvent<{ id: string }>(room, 'pusher:member_added');
    doomed.subscribe('presence-crash');
    await added;
    const removed = nextEvent<{ id: string }>(room, 'pusher:member_removed', 15_000);
    await replicas[1]?.stop('SIGKILL');
    doomed.disconnect();
    assert.equal((await removed).id, 'doomed');
  });
});
