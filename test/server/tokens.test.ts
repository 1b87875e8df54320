// POST /v1/tokens: API keys mint tokens carrying channel grants; tokens and bad credentials cannot; the
// shared per-caller rate limit applies to minting too.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { createTestDatabase, uid } from '../helpers/services.js';

const KEY = `key-${uid(16)}`;

describe('client tokens', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let srv: TestServer;
  const mint = (body: unknown, credential = KEY) =>
    fetch(`${srv.url}/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  before(async () => {
    db = await createTestDatabase();
    srv = await startTestServer({
      DATABASE_URL: db.url,
      API_KEYS: KEY,
      RATE_LIMIT_API_KEY: '5',
      RATE_LIMIT_WINDOW: '1m',
    });
  });
  after(async () => {
    await srv.close();
    await db.drop();
  });

  it('mints a token whose grants are enforced, and refuses tokens minting tokens', async () => {
    const res = await mint({ subscribe: ['room-*'], publish: ['room-1'], ttl: 60, sub: 'alice' });
    assert.equal(res.status, 201);
    const { token, expiresAt } = (await res.json()) as { token: string; expiresAt: string };
    assert.ok(Date.parse(expiresAt) > Date.now());
    const publish = (channel: string) =>
      fetch(`${srv.url}/v1/channels/${channel}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ data: { n: 1 } }),
      });
    assert.equal((await publish('room-1')).status, 201);
    const denied = await publish('room-2');
    assert.equal(denied.status, 403);
    assert.equal(((await denied.json()) as { error: { code: string } }).error.code, 'forbidden');
    const byToken = await mint({ subscribe: ['*'] }, token);
    assert.equal(byToken.status, 403);
  });

  it('names every problem in a bad body and rejects unknown credentials', async () => {
    const bad = await mint({ subscribe: ['no spaces'], ttl: 0, extra: true });
    assert.equal(bad.status, 400);
    const { error } = (await bad.json()) as { error: { code: string; message: string } };
    assert.equal(error.code, 'invalid_body');
    for (const part of ['subscribe.0', 'ttl', 'extra'])
      assert.ok(error.message.includes(part), error.message);
    const unknown = await mint({}, 'not-a-key');
    assert.equal(unknown.status, 401);
    assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'invalid_credentials');
  });

  it('shares the per-key rate limit: 429 with Retry-After once the window is used up', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 6; i++) last = await mint({ subscribe: ['a'] });
    assert.equal(last?.status, 429);
    assert.ok(Number(last?.headers.get('retry-after')) >= 1);
  });
});
