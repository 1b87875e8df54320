// Config loading as a pure function: defaults, every bad variable named in one error, cross-field rules,
// production secret rules, and the generated docs kept in step with the settings.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { renderConfigurationMd, renderEnvExample } from '../../src/server/config/docs.js';
import { ConfigError, loadConfig } from '../../src/server/config/load.js';
import { allSettings } from '../../src/server/config/sections.js';

const ROOT = new URL('../../', import.meta.url);

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  assert.fail('expected the configuration to be rejected');
}

describe('config', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    assert.equal(config.env.PORT, 3000);
    assert.equal(config.database.url, undefined);
    assert.equal(config.redis.url, undefined);
    assert.equal(config.storage.endpoint, undefined);
    assert.equal(config.env.DRAIN_TIMEOUT, 8000);
    assert.equal(config.auth.jwtSecretGenerated, true);
  });

  it('applies every documented default', () => {
    const { env, database, redis, storage, auth, production } = loadConfig({});
    assert.equal(production, false);
    assert.equal(env.NODE_ENV, 'development');
    assert.equal(env.HOST, '0.0.0.0');
    assert.equal(env.TRUST_PROXY, 'loopback,linklocal,uniquelocal');
    assert.deepEqual(env.CORS_ORIGINS, []);
    assert.equal(env.WS_MAX_BUFFERED, 1024 * 1024);
    assert.equal(env.WS_MAX_PAYLOAD, 64 * 1024);
    assert.equal(env.WS_PER_MESSAGE_DEFLATE, false);
    assert.equal(env.CHANNEL_RETENTION_MAX_AGE, 0);
    assert.equal(env.CHANNEL_RETENTION_MAX_MESSAGES, 0);
    assert.equal(env.BACKUP_TIMEZONE, 'UTC');
    assert.deepEqual(database, {
      url: undefined,
      poolMax: 10,
      connectTimeoutMs: 5000,
      queryTimeoutMs: 5000,
      statementTimeoutMs: 30_000,
      preparedStatements: true,
      dataDir: './data',
    });
    assert.deepEqual(redis, {
      url: undefined,
      keyPrefix: 'paasport:',
      probeIntervalMs: 5000,
      commandTimeoutMs: 2000,
      connectTimeoutMs: 5000,
    });
    assert.equal(storage.requestTimeoutMs, 30_000);
    assert.equal(env.READINESS_TIMEOUT, 2000);
    assert.equal(env.DRAIN_READINESS_WINDOW, 2000);
    assert.equal(storage.bucket, 'paasport');
    assert.equal(storage.pathStyle, true);
    // Development without API_KEYS: one generated key, accepted until restart (see 'development key' below).
    assert.equal(auth.apiKeys.length, 1);
    assert.equal(auth.apiKeys[0], auth.devApiKey);
    assert.deepEqual(auth.publicChannels, []);
    assert.match(auth.jwtSecret, /^[0-9a-f]{64}$/);
    assert.notEqual(loadConfig({}).auth.jwtSecret, auth.jwtSecret, 'a fresh secret per load');
  });

  it('treats an empty variable as unset', () => {
    const config = loadConfig({ PORT: '', DATABASE_URL: '', JWT_SECRET: '' });
    assert.equal(config.env.PORT, 3000);
    assert.equal(config.database.url, undefined);
    assert.equal(config.auth.jwtSecretGenerated, true);
  });

  it('parses durations, sizes, lists and booleans', () => {
    const config = loadConfig({
      DRAIN_TIMEOUT: '2m',
      WS_MAX_PAYLOAD: '128KiB',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      MIGRATE_ON_START: 'false',
      TRUST_PROXY: '2',
    });
    assert.equal(config.env.DRAIN_TIMEOUT, 120_000);
    assert.equal(config.env.WS_MAX_PAYLOAD, 131_072);
    assert.deepEqual(config.env.CORS_ORIGINS, ['https://a.example', 'https://b.example']);
    assert.equal(config.env.MIGRATE_ON_START, false);
    assert.equal(config.env.TRUST_PROXY, 2);
  });

  it('names every invalid variable in one error', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      REDIS_URL: 'not a url',
      DRAIN_TIMEOUT: 'soon',
      LOG_LEVEL: 'loud',
      S3_ENDPOINT: 'http://minio:9000',
    });
    const named = problems.map((p) => p.split(':')[0]);
    for (const name of [
      'PORT',
      'DATABASE_URL',
      'REDIS_URL',
      'DRAIN_TIMEOUT',
      'LOG_LEVEL',
      'S3_ACCESS_KEY',
      'S3_SECRET_KEY',
    ]) {
      assert.ok(named.includes(name), `${name} missing from ${JSON.stringify(problems)}`);
    }
    assert.match(problems.find((p) => p.startsWith('PORT'))!, /port number/);
  });

  it('reports single-field and cross-field problems together', () => {
    const problems = problemsOf({
      WS_MAX_BUFFERED: 'lots',
      S3_PUBLIC_ENDPOINT: 'https://files.example.com',
      PUBLIC_CHANNELS: 'news,bad pattern',
      BACKUP_TIMEZONE: 'Mars/Olympus',
      CHANNEL_RETENTION_MAX_MESSAGES: '-1',
    });
    assert.deepEqual(problems.map((p) => p.split(':')[0]).sort(), [
      'BACKUP_TIMEZONE',
      'CHANNEL_RETENTION_MAX_MESSAGES',
      'PUBLIC_CHANNELS',
      'S3_PUBLIC_ENDPOINT',
      'WS_MAX_BUFFERED',
    ]);
    assert.ok(problems.includes('S3_PUBLIC_ENDPOINT: only meaningful with S3_ENDPOINT set'));
    assert.match(problems.find((p) => p.startsWith('WS_MAX_BUFFERED'))!, /got "lots"/);
    const error = (() => {
      try {
        loadConfig({ PORT: 'x', LOG_LEVEL: 'y' });
      } catch (err) {
        return err as Error;
      }
    })();
    assert.match(
      error?.message ?? '',
      /^Invalid configuration \(2 problems\):\n {2}- PORT: .*\n {2}- LOG_LEVEL: /,
    );
  });

  it('derives the object storage slice: public endpoint defaults to the endpoint', () => {
    const s3 = { S3_ENDPOINT: 'http://minio:9000', S3_ACCESS_KEY: 'ak', S3_SECRET_KEY: 'sk' };
    assert.equal(loadConfig(s3).storage.publicEndpoint, 'http://minio:9000');
    const split = loadConfig({ ...s3, S3_PUBLIC_ENDPOINT: 'https://files.example.com' });
    assert.equal(split.storage.endpoint, 'http://minio:9000');
    assert.equal(split.storage.publicEndpoint, 'https://files.example.com');
    assert.equal(split.storage.accessKey, 'ak');
  });

  it('keeps a given JWT secret and reads public channel patterns', () => {
    const config = loadConfig({ JWT_SECRET: 'given', PUBLIC_CHANNELS: 'news, public-*' });
    assert.equal(config.auth.jwtSecret, 'given');
    assert.equal(config.auth.jwtSecretGenerated, false);
    assert.deepEqual(config.auth.publicChannels, ['news', 'public-*']);
  });

  it('never echoes secret values in errors', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://user:hunter2@db/x' });
    assert.ok(!problems.join('\n').includes('hunter2'));
  });

  it('refuses missing or weak secrets in production', () => {
    const missing = problemsOf({ NODE_ENV: 'production' });
    assert.ok(missing.some((p) => p.startsWith('JWT_SECRET: required')));
    assert.ok(missing.some((p) => p.startsWith('API_KEYS: at least one')));
    const weak = problemsOf({
      NODE_ENV: 'production',
      JWT_SECRET: 'short',
      API_KEYS: 'abc,' + 'x'.repeat(30),
    });
    assert.ok(weak.some((p) => p.startsWith('JWT_SECRET: too weak')));
    assert.ok(weak.some((p) => p.includes('key #1 is too weak')));
    assert.ok(!weak.some((p) => p.includes('key #2')));
    const strong = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 's'.repeat(32),
      API_KEYS: 'k'.repeat(24),
    });
    assert.equal(strong.production, true);
  });

  it('refuses default and example secrets in production, in every secret setting and URL password', () => {
    const strong = { NODE_ENV: 'production', JWT_SECRET: 's'.repeat(32), API_KEYS: 'k'.repeat(24) };
    const problems = problemsOf({
      ...strong,
      JWT_SECRET: 'dev-jwt-secret-change-me-please-now',
      DATABASE_URL: 'postgres://paasport:postgres@db:5432/paasport',
      REDIS_URL: 'redis://:secret@redis:6379',
      S3_ENDPOINT: 'http://minio:9000',
      S3_ACCESS_KEY: 'minioadmin',
      S3_SECRET_KEY: 'minioadmin',
    });
    for (const name of ['JWT_SECRET', 'DATABASE_URL', 'REDIS_URL', 'S3_SECRET_KEY'])
      assert.ok(
        problems.some((p) => p.startsWith(`${name}: a default or example secret`)),
        `${name} not refused: ${problems.join('; ')}`,
      );
    assert.ok(!problems.join('\n').includes('minioadmin'), 'a refused secret is echoed');
    // Outside production, and with generated values, the same settings pass.
    assert.doesNotThrow(() =>
      loadConfig({
        ...strong,
        NODE_ENV: 'development',
        S3_ENDPOINT: 'http://m',
        S3_ACCESS_KEY: 'a',
        S3_SECRET_KEY: 'minioadmin',
      }),
    );
    assert.doesNotThrow(() =>
      loadConfig({
        ...strong,
        DATABASE_URL: 'postgres://paasport:Zq8v1kRt0pWm3x@db:5432/paasport',
        REDIS_URL: 'redis://redis:6379',
      }),
    );
  });

  it('documents every setting, and the committed docs match the schema', () => {
    const md = renderConfigurationMd();
    for (const name of Object.keys(allSettings))
      assert.ok(md.includes(`\`${name}\``), `${name} undocumented`);
    const hint = 'run `npm run docs:config` to regenerate';
    assert.equal(
      readFileSync(new URL('docs/configuration.md', ROOT), 'utf8'),
      md,
      `docs/configuration.md drifted: ${hint}`,
    );
    assert.equal(
      readFileSync(new URL('.env.example', ROOT), 'utf8'),
      renderEnvExample(),
      `.env.example drifted: ${hint}`,
    );
  });
});
