// Config loading: defaults, every bad variable named in one error, production secret rules, docs drift.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderConfigurationMd, renderEnvExample } from '../../src/server/config/docs.js';
import { ConfigError, loadConfig } from '../../src/server/config/load.js';
import { allSettings } from '../../src/server/config/sections.js';
import { ROOT } from '../helpers/services.js';

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

  it('documents every setting, and the committed docs match the schema', () => {
    const md = renderConfigurationMd();
    for (const name of Object.keys(allSettings))
      assert.ok(md.includes(`\`${name}\``), `${name} undocumented`);
    const hint = 'run `npm run docs:config` to regenerate';
    assert.equal(
      readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8'),
      md,
      `docs/configuration.md drifted: ${hint}`,
    );
    assert.equal(
      readFileSync(join(ROOT, '.env.example'), 'utf8'),
      renderEnvExample(),
      `.env.example drifted: ${hint}`,
    );
  });
});
