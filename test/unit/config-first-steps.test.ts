// Settings a first-time user gets wrong are refused with the fix in the message: durations without a unit,
// CORS origins with a trailing slash or no scheme, a metrics port equal to PORT; and development without
// API_KEYS gets a generated key, never production or test.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/server/config/load.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  assert.fail('expected the configuration to be rejected');
}

const PROD = { NODE_ENV: 'production', JWT_SECRET: 'q'.repeat(40), API_KEYS: 'w'.repeat(30) };

describe('config a first-time user gets wrong', () => {
  it('refuses a duration without a unit, suggesting one; 0 needs none', () => {
    const [problem] = problemsOf({ DRAIN_TIMEOUT: '30' });
    assert.match(
      problem ?? '',
      /^DRAIN_TIMEOUT: expected a duration with a unit .*add a unit, e\.g\. 30ms or 30s/,
    );
    assert.equal(loadConfig({ CHANNEL_RETENTION_MAX_AGE: '0' }).env.CHANNEL_RETENTION_MAX_AGE, 0);
    assert.equal(loadConfig({ DRAIN_TIMEOUT: '30s' }).env.DRAIN_TIMEOUT, 30_000);
  });

  it('refuses CORS origins with a trailing slash, without a scheme or with a path, naming the fix', () => {
    const problems = problemsOf({
      CORS_ORIGINS: 'https://app.example.com/,localhost:5173,https://a.example.com/x',
    });
    assert.equal(problems.length, 1);
    const [p] = problems;
    assert.match(p ?? '', /^CORS_ORIGINS: /);
    assert.match(
      p ?? '',
      /"https:\/\/app\.example\.com\/" ends with a slash; browsers send https:\/\/app\.example\.com/,
    );
    assert.match(p ?? '', /"localhost:5173" has no scheme; write https:\/\/localhost:5173/);
    assert.match(p ?? '', /write https:\/\/a\.example\.com(?!\/)/);
    const ok = loadConfig({
      CORS_ORIGINS: 'https://app.example.com, http://localhost:5173,capacitor://localhost',
    });
    assert.deepEqual(ok.env.CORS_ORIGINS, [
      'https://app.example.com',
      'http://localhost:5173',
      'capacitor://localhost',
    ]);
    assert.deepEqual(loadConfig({ CORS_ORIGINS: '*' }).env.CORS_ORIGINS, ['*']);
  });

  it('generates a development API key only in development without API_KEYS', () => {
    const dev = loadConfig({});
    assert.match(dev.auth.devApiKey ?? '', /^dev_[\w-]{24}$/);
    assert.deepEqual(dev.auth.apiKeys, [dev.auth.devApiKey]);
    assert.notEqual(loadConfig({}).auth.devApiKey, dev.auth.devApiKey, 'a new key per start');
    const withKeys = loadConfig({ API_KEYS: 'mine' });
    assert.equal(withKeys.auth.devApiKey, undefined);
    assert.deepEqual(withKeys.auth.apiKeys, ['mine']);
    const test = loadConfig({ NODE_ENV: 'test' });
    assert.equal(test.auth.devApiKey, undefined);
    assert.deepEqual(test.auth.apiKeys, []);
    assert.equal(loadConfig(PROD).auth.devApiKey, undefined);
    assert.ok(
      problemsOf({ NODE_ENV: 'production', JWT_SECRET: 'q'.repeat(40) }).some((p) => /^API_KEYS:/.test(p)),
    );
  });

  it('checks the metrics settings: a token of 16+ characters, a port other than PORT', () => {
    assert.match(
      problemsOf({ METRICS_TOKEN: 'short' })[0] ?? '',
      /^METRICS_TOKEN: expected at least 16 characters$/,
    );
    assert.match(
      problemsOf({ PORT: '8080', METRICS_PORT: '8080' })[0] ?? '',
      /^METRICS_PORT: must differ from PORT/,
    );
    const env = loadConfig({ METRICS_TOKEN: 't'.repeat(16), METRICS_PORT: '9464' }).env;
    assert.equal(env.METRICS_PORT, 9464);
    assert.equal(env.METRICS_TOKEN, 't'.repeat(16));
  });
});
