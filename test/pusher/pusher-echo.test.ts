// Laravel Echo with its Pusher connector (pusher-js underneath) against the Pusher face, the way a Laravel
// front end is configured for Soketi or Reverb: public and private listeners with Echo's event namespace,
// presence here/joining/leaving, whispers (client events), and the X-Socket-ID exclusion of toOthers().
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Echo from 'laravel-echo';
import type Pusher from 'pusher';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { type AppCreds, clientOptions, PusherJs, serverLib } from '../helpers/pusher-clients.js';
import { createTestDatabase, REDIS_URL, uid, until } from '../helpers/services.js';

const APP: AppCreds = { id: `echo${uid(3)}`, key: `key-${uid(4)}`, secret: `secret-${uid(16)}` };

type AnyEcho = Echo<'pusher'>;

describe('Laravel Echo (Pusher connector) against the Pusher face', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: TestServer;
  let lib: Pusher;
  const echoes: AnyEcho[] = [];
  const echo = (user: string): AnyEcho => {
    const e = new Echo({
      broadcaster: 'pusher',
      key: APP.key,
      Pusher: PusherJs,
      ...clientOptions(server.port, lib, user, { name: user }),
    } as never) as AnyEcho;
    echoes.push(e);
    return e;
  };

  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer({
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: `t${uid()}:`,
      PUSHER_APP_ID: APP.id,
      PUSHER_APP_KEY: APP.key,
      PUSHER_APP_SECRET: APP.secret,
      PUSHER_APP_CLIENT_EVENTS: 'true',
    });
    lib = serverLib(server.port, APP);
  });

  after(async () => {
    for (const e of echoes) e.disconnect();
    await server?.close();
    await db?.drop();
  });

  test('public and private listeners receive events broadcast in Laravel shape', async () => {
    const e = echo('reader');
    const got: unknown[] = [];
    e.channel('orders').listen('OrderShipped', (data: unknown) => got.push(['public', data]));
    e.private('orders.7').listen('.status', (data: unknown) => got.push(['private', data]));
    await until('both subscriptions', () => {
      const channels = (
        e.connector as unknown as { pusher: { allChannels(): { subscribed: boolean }[] } }
      ).pusher.allChannels();
      return channels.length === 2 && channels.every((c) => c.subscribed) ? true : undefined;
    });
    // What Laravel's Pusher broadcaster sends: the class name as event, JSON data.
    await lib.trigger('orders', 'App\\Events\\OrderShipped', { id: 7 });
    await lib.trigger('private-orders.7', 'status', { state: 'sent' });
    await until('both events', () => (got.length === 2 ? true : undefined));
    assert.deepEqual(got, [
      ['public', { id: 7 }],
      ['private', { state: 'sent' }],
    ]);
  });

  test('presence: here, joining, leaving, whispers between members, toOthers exclusion', async () => {
    const ann = echo('ann');
    const here: string[][] = [];
    const joined: string[] = [];
    const left: string[] = [];
    const whispers: unknown[] = [];
    const room = ann
      .join('room.1')
      .here((users: { name: string }[]) => here.push(users.map((u) => u.name)))
      .joining((u: { name: string }) => joined.push(u.name))
      .leaving((u: { name: string }) => left.push(u.name))
      .listenForWhisper('typing', (d: unknown) => whispers.push(d));
    await until('ann here', () => (here.length === 1 ? true : undefined));
    assert.deepEqual(here[0], ['ann']);

    const ben = echo('ben');
    const benRoom = ben.join('room.1');
    let benSaw = 0;
    benRoom.listen('.moved', () => benSaw++);
    await until('ben joining', () => (joined.includes('ben') ? true : undefined));
    benRoom.whisper('typing', { by: 'ben' });
    await until('the whisper', () => (whispers.length === 1 ? true : undefined));
    assert.deepEqual(whispers[0], { by: 'ben' });

    // broadcast(...)->toOthers(): Laravel passes the sender's socket id, which Echo exposes.
    const benSocket = ben.socketId() as string;
    assert.match(benSocket, /^\d+\.\d+$/);
    let annSaw = 0;
    room.listen('.moved', () => annSaw++);
    await lib.trigger('presence-room.1', 'moved', {}, { socket_id: benSocket });
    await lib.trigger('presence-room.1', 'moved', {});
    await until('ann to get both', () => (annSaw === 2 ? true : undefined));
    await until('ben to get the second', () => (benSaw === 1 ? true : undefined));

    ben.leave('room.1');
    await until('ben leaving', () => (left.includes('ben') ? true : undefined));
  });
});
