// Embedded mode (no DATABASE_URL, no REDIS_URL): PGlite and the in-process bus serve the same protocol,
// with presence and rate limits kept in memory.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { tempDir, uid } from '../helpers/services.js';
import { api, offsets, range, WsClient } from '../helpers/ws-client.js';

const KEY = `key-${uid(12)}`;

describe('channels in embedded mode', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: TestServer;
  const clients: WsClient[] = [];

  before(async () => {
    dir = await tempDir('paasport-embedded-');
    server = await startTestServer({
      DATA_DIR: dir.path,
      API_KEYS: KEY,
      RATE_LIMIT_WINDOW: '1h',
      RATE_LIMIT_TOKEN: '3',
    });
  });

  after(async () => {
    for (const c of clients) c.close();
    await server?.close();
    await dir?.remove();
  });

  test('publish, subscribe, recover, presence and rate limits work without external services', async () => {
    assert.equal(server.deps.db.driver, 'embedded');
    assert.equal(server.deps.bus.driver, 'memory');
    const http = api(server.url, KEY);
    const channel = `emb-${uid()}`;
    const wsUrl = `${server.url.replace('http', 'ws')}/v1/ws?token=${KEY}`;
    const sub = await WsClient.connect(wsUrl);
    clients.push(sub);
    const s = await sub.request({ type: 'subscribe', channel, presence: true }, 'subscribed');
    assert.deepEqual([s.offset, s.recovered], [0, false]);
    const pub = await WsClient.connect(wsUrl);
    clients.push(pub);
    for (let n = 1; n <= 10; n++) pub.send({ type: 'publish', channel, data: { n } });
    const dup = await http.post(`/v1/channels/${channel}/messages`, { data: 'once', id: 'k' });
    const again = await http.post(`/v1/channels/${channel}/messages`, { data: 'once', id: 'k' });
    assert.equal(again.body.offset, dup.body.offset);
    assert.deepEqual(offsets(await sub.waitMessages(channel, 11)), range(1, 11));

    const late = await WsClient.connect(wsUrl);
    clients.push(late);
    const r = await late.request({ type: 'subscribe', channel, since: 6 }, 'subscribed');
    assert.deepEqual([r.offset, r.recovered], [11, true]);
    assert.deepEqual(offsets(await late.waitMessages(channel, 5)), range(7, 11));
    // Both connections joined (presence events are announced after the entry is stored).
    await sub.waitFor(() => sub.frames.filter((f) => f.type === 'presence' && f.joined).length >= 2);

    const info = await http.get(`/v1/channels/${channel}`);
    assert.deepEqual([info.body.count, info.body.lastOffset, info.body.presence], [11, 11, 2]);
    const history = await http.get(`/v1/channels/${channel}/messages?since=9`);
    assert.deepEqual(
      history.body.messages.map((m: { offset: number }) => m.offset),
      [10, 11],
    );

    const token = (await http.post('/v1/tokens', { subscribe: ['*'], ttl: 60 })).body.token;
    for (let i = 0; i < 3; i++) assert.equal((await http.get(`/v1/channels/${channel}`, token)).status, 200);
    assert.equal((await http.get(`/v1/channels/${channel}`, token)).status, 429);
  });
});
