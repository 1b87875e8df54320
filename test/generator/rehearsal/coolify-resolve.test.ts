// Coolify's compose handling on tiny templates: magic names and their generators, URL variables, MinIO's
// specific URLs, required and prefilled variables, and the env a container gets after the real compose merge.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { magicType, prepareCoolify, references, resolveCoolify } from './coolify-resolve.js';

const deploy = { uuid: 'k4w8s0c', wildcard: 'https://apps.example.com' };

describe('Coolify resolver', () => {
  it('reads the generator type from the underscore count', () => {
    assert.equal(magicType('SERVICE_PASSWORD_POSTGRES'), 'PASSWORD');
    assert.equal(magicType('SERVICE_PASSWORD_64_APIKEYS'), 'PASSWORD_64');
    assert.equal(magicType('SERVICE_PASSWORD_DB_PASS'), 'PASSWORD_DB');
    assert.equal(magicType('SERVICE_A_B_C_D'), null);
  });

  it('finds references, nested defaults included, and skips $$', () => {
    assert.deepEqual(references(`x \${A:-\${B}/v1} $$C $D \${E:?set E}`), [
      { name: 'A', operator: ':-', fallback: `\${B}/v1` },
      { name: 'B' },
      { name: 'D' },
      { name: 'E', operator: ':?', fallback: 'set E' },
    ]);
  });

  it('generates magic values, URLs and MinIO URLs into .env and reports what stays empty', () => {
    const p = prepareCoolify(
      `services:
  web:
    image: app:1
    environment:
      - SERVICE_URL_WEB_3000
      - SERVICE_FQDN_WEB
      - USER=\${SERVICE_USER_DB}
      - PASS=\${SERVICE_PASSWORD_DB}
      - KEY=\${SERVICE_PASSWORD_64_KEY}
      - BAD=\${SERVICE_PASSWORD_DB_PASS}
      - MODE=\${MODE:-fast}
      - TOKEN=\${TOKEN:?}
      - FILES=\${MINIO_SERVER_URL}
  minio:
    image: ghcr.io/coollabsio/minio:RELEASE.2025-10-15T17-29-55Z
    environment:
      - MINIO_SERVER_URL=\${MINIO_SERVER_URL}
  init:
    image: busybox:1
    exclude_from_hc: true
`,
      deploy,
    );
    const env = p.dotenv;
    assert.match(env.SERVICE_USER_DB ?? '', /^[A-Za-z0-9]{16}$/);
    assert.match(env.SERVICE_PASSWORD_DB ?? '', /^[A-Za-z0-9]{32}$/);
    assert.match(env.SERVICE_PASSWORD_64_KEY ?? '', /^[A-Za-z0-9]{64}$/);
    assert.equal(env.SERVICE_URL_WEB_3000, 'https://web-k4w8s0c.apps.example.com:3000');
    assert.equal(env.SERVICE_URL_WEB, 'https://web-k4w8s0c.apps.example.com');
    assert.equal(env.SERVICE_FQDN_WEB, 'web-k4w8s0c.apps.example.com');
    assert.equal(env.MINIO_SERVER_URL, 'https://minio-k4w8s0c.apps.example.com');
    assert.equal(env.MODE, 'fast');
    assert.equal(env.SERVICE_PASSWORD_DB_PASS, '');
    assert.equal(env.SERVICE_NAME_WEB, 'web');
    assert.deepEqual(p.problems, [
      'SERVICE_PASSWORD_DB_PASS: not a generator Coolify knows; created empty',
      'TOKEN: required and empty; deploy is blocked',
    ]);
    const compose = parseYaml(p.compose) as { services: Record<string, Record<string, unknown>> };
    const web = compose.services.web as { environment: Record<string, unknown>; env_file: string[] };
    assert.equal('SERVICE_FQDN_WEB' in web.environment, false);
    assert.equal(web.environment.SERVICE_URL_WEB_3000, null);
    assert.equal(web.environment.COOLIFY_URL, 'https://web-k4w8s0c.apps.example.com');
    assert.deepEqual(web.env_file, ['.env']);
    assert.equal('exclude_from_hc' in (compose.services.init ?? {}), false);
  });

  it('gives a container its .env under its environment, through docker compose', () => {
    const dir = mkdtempSync(join(tmpdir(), 'coolify-resolve-'));
    try {
      const r = resolveCoolify(
        `services:
  app:
    image: app:1
    environment:
      - DATABASE_URL=postgres://u:\${SERVICE_PASSWORD_PG}@pg:5432/d
      - SERVICE_URL_APP_3000
      - LEVEL=info
  pg:
    image: postgres:17
    environment:
      POSTGRES_PASSWORD: \${SERVICE_PASSWORD_PG}
`,
        deploy,
        dir,
      );
      const app = r.services.app?.environment ?? {};
      const password = r.dotenv.SERVICE_PASSWORD_PG ?? '';
      assert.equal(app.DATABASE_URL, `postgres://u:${password}@pg:5432/d`);
      assert.equal(r.services.pg?.environment.POSTGRES_PASSWORD, password);
      assert.equal(app.SERVICE_URL_APP_3000, 'https://app-k4w8s0c.apps.example.com:3000');
      // env_file: every generated value reaches every container.
      assert.equal(app.SERVICE_PASSWORD_PG, password);
      assert.equal(app.COOLIFY_CONTAINER_NAME, 'app-k4w8s0c');
      assert.equal(app.LEVEL, 'info');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
