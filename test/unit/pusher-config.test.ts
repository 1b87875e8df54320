// Pusher face settings and the pure pieces under them: the default app and PUSHER_APPS, the production
// secret rule, channel kinds and their paasport names, and the HTTP API signature as the pusher library signs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Pusher from 'pusher';
import { ConfigError, loadConfig } from '../../src/server/config/load.js';
import { appsFromEnv } from '../../src/server/pusher/apps.js';
import { kindOf, storedName } from '../../src/server/pusher/channel-names.js';
import { checkRequestSignature } from '../../src/server/pusher/signature.js';

const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe('Pusher settings', () => {
  test('the default app and PUSHER_APPS become apps with their options', () => {
    const config = loadConfig({
      PUSHER_APP_ID: 'a1',
      PUSHER_APP_KEY: 'k1',
      PUSHER_APP_SECRET: 's1',
      PUSHER_APP_CLIENT_EVENTS: 'true',
      PUSHER_APPS: JSON.stringify([
        { id: 'a2', key: 'k2', secret: 's2', maxConnections: 5, webhooks: [{ url: 'http://h/x' }] },
      ]),
    });
    const apps = appsFromEnv(config.env);
    assert.equal(apps.size, 2);
    assert.equal(apps.byKey('k1')?.enableClientMessages, true);
    assert.equal(apps.byId('a2')?.maxConnections, 5);
    assert.equal(apps.byId('a2')?.enableClientMessages, false);
    assert.deepEqual(apps.byId('a2')?.webhooks, [{ url: 'http://h/x', eventTypes: undefined }]);
  });

  test('incomplete default app, duplicate keys and bad JSON are refused', () => {
    assert.ok(problems({ PUSHER_APP_ID: 'a1' }).some((p) => p.includes('go together')));
    const dup = problems({
      PUSHER_APP_ID: 'a1',
      PUSHER_APP_KEY: 'k1',
      PUSHER_APP_SECRET: 's1',
      PUSHER_APPS: JSON.stringify([{ id: 'a2', key: 'k1', secret: 's2' }]),
    });
    assert.ok(dup.some((p) => p.includes('app key k1 is used twice')));
    assert.ok(problems({ PUSHER_APPS: '[{' }).some((p) => p.startsWith('PUSHER_APPS:')));
    assert.ok(problems({ PUSHER_APPS: '[{"id":"a"}]' }).some((p) => p.startsWith('PUSHER_APPS:')));
  });

  test('production refuses weak Pusher secrets and names none of them', () => {
    const strong = 'x'.repeat(40);
    const env = { NODE_ENV: 'production', JWT_SECRET: 'j'.repeat(40), API_KEYS: 'k'.repeat(30) };
    const weak = problems({
      ...env,
      PUSHER_APP_ID: 'a',
      PUSHER_APP_KEY: 'k',
      PUSHER_APP_SECRET: 'short-secret',
    });
    assert.ok(weak.some((p) => p.startsWith('PUSHER_APP_SECRET: secret too weak')));
    assert.ok(!weak.join('\n').includes('short-secret'));
    const weakList = problems({
      ...env,
      PUSHER_APPS: JSON.stringify([{ id: 'b', key: 'kb', secret: 'tiny' }]),
    });
    assert.ok(weakList.some((p) => p.startsWith('PUSHER_APPS: app b: secret too weak')));
    const ok = problems({ ...env, PUSHER_APP_ID: 'a', PUSHER_APP_KEY: 'k', PUSHER_APP_SECRET: strong });
    assert.ok(!ok.some((p) => p.startsWith('PUSHER')), ok.join('\n'));
  });
});

describe('Pusher channel names', () => {
  test('kinds', () => {
    assert.deepEqual(kindOf('presence-cache-room'), {
      authorized: true,
      presence: true,
      encrypted: false,
      cache: true,
      user: undefined,
    });
    assert.equal(kindOf('private-encrypted-cache-x').cache, true);
    assert.equal(kindOf('private-encrypted-x').encrypted, true);
    assert.equal(kindOf('news').authorized, false);
    assert.equal(kindOf('#server-to-user-42').user, '42');
  });

  test('stored names are valid paasport channels, distinct, and escaped without ambiguity', () => {
    assert.equal(storedName('app1', 'orders'), 'pusher.app1.orders');
    assert.equal(storedName('app1', 'a=b,c;d'), 'pusher.app1.a:3db:2cc:3bd');
    assert.equal(storedName('app1', '#server-to-user-7'), 'pusher.app1.:23server-to-user-7');
    const long = storedName('app1', 'x'.repeat(164));
    assert.match(long, /^pusher\.app1\.:h[0-9a-f]{40}$/);
    assert.notEqual(storedName('app1', 'x'.repeat(163)), long);
  });
});

describe('Pusher HTTP API signature', () => {
  const app = {
    id: 'a1',
    key: 'k1',
    secret: 's1',
    enableClientMessages: false,
    enableUserAuthentication: false,
    maxConnections: 0,
    maxPresenceMembers: 100,
    maxEventPayloadBytes: 102400,
    webhooks: [],
  };

  test('accepts what the pusher library signs and refuses changes to it', () => {
    const lib = new Pusher({ appId: 'a1', key: 'k1', secret: 's1', cluster: 'mt1' });
    const body = JSON.stringify({ name: 'e', channels: ['c'], data: 'd' });
    const signed = (lib as unknown as { config: { token: unknown } }).config.token;
    // The library's own signing function, as its requests use it.
    const { createSignedQueryString } = require('pusher/lib/requests') as {
      createSignedQueryString(
        token: unknown,
        r: { method: string; path: string; body?: string; params?: object },
      ): string;
    };
    const qs = new URLSearchParams(
      createSignedQueryString(signed, { method: 'POST', path: '/apps/a1/events', body }),
    );
    const now = Number(qs.get('auth_timestamp')) * 1000;
    const check = (q: URLSearchParams, b = body, path = '/apps/a1/events') =>
      checkRequestSignature(app, 'POST', path, q, Buffer.from(b), now, 600_000);
    assert.equal(check(qs), undefined);
    assert.match(check(qs, `${body} `) ?? '', /body_md5/);
    assert.match(check(qs, body, '/apps/a1/batch_events') ?? '', /Invalid signature/);
    const late = checkRequestSignature(
      app,
      'POST',
      '/apps/a1/events',
      qs,
      Buffer.from(body),
      now + 601_000,
      600_000,
    );
    assert.match(late ?? '', /Timestamp expired/);
    const otherKey = new URLSearchParams(qs);
    otherKey.set('auth_key', 'k2');
    assert.equal(check(otherKey), 'Unknown auth_key');
  });
});

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
