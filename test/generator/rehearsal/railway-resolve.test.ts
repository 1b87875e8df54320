// Railway's variables on tiny IaC projects built with the real `railway` package: template generators,
// references across services resolved recursively, missing outputs reported, and a file evaluated as the CLI does.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bucket, postgres, project, redis, ref, service } from 'railway/iac';
import { repoRoot } from '../helpers.js';
import { evaluateRailwayFile, resolveRailway, runGenerator } from './railway-resolve.js';

describe('Railway resolver', () => {
  it('runs secret() and randomInt() with their arguments and defaults', () => {
    assert.match(runGenerator('secret(8, "ab")') ?? '', /^[ab]{8}$/);
    assert.match(runGenerator('secret()') ?? '', /^[A-Za-z0-9]{32}$/);
    const n = Number(runGenerator('randomInt(5, 6)'));
    assert.ok(n === 5 || n === 6);
    assert.equal(runGenerator('uuid()'), undefined);
  });

  it('resolves references to databases, buckets and literals that embed them', () => {
    const db = postgres('Postgres');
    const cache = redis('Redis');
    const files = bucket('files', { region: 'iad' });
    const web = service('web', {
      env: {
        DATABASE_URL: db.env.DATABASE_URL,
        CACHE: `\${{Redis.REDIS_URL}}/0`,
        TOKEN: { generator: 'secret(8, "xy")' },
        BUCKET: ref(files, 'BUCKET'),
        PUBLIC: db.env.DATABASE_PUBLIC_URL,
      },
    });
    const r = resolveRailway(project('demo', { resources: [db, cache, files, web] }));
    const pg = r.variables.Postgres ?? {};
    const env = r.variables.web ?? {};
    assert.match(pg.POSTGRES_PASSWORD ?? '', /^[A-Za-z]{32}$/);
    assert.equal(
      env.DATABASE_URL,
      `postgresql://postgres:${pg.POSTGRES_PASSWORD}@postgres.railway.internal:5432/railway`,
    );
    assert.equal(
      env.CACHE,
      `redis://default:${r.variables.Redis?.REDIS_PASSWORD}@redis.railway.internal:6379/0`,
    );
    assert.match(env.TOKEN ?? '', /^[xy]{8}$/);
    assert.match(env.BUCKET ?? '', /^files-[0-9a-f]{8}$/);
    assert.equal(env.RAILWAY_PRIVATE_DOMAIN, 'web.railway.internal');
    // Databases are private: no TCP proxy, so no public URL to reference.
    assert.equal(env.PUBLIC, '');
    assert.deepEqual(r.problems, [`\${{Postgres.DATABASE_PUBLIC_URL}} does not exist`]);
  });

  it('evaluates a .railway/railway.ts with railway/iac resolved from its node_modules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'railway-resolve-'));
    try {
      symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
      mkdirSync(join(dir, '.railway'));
      writeFileSync(
        join(dir, '.railway', 'railway.ts'),
        `import { defineRailway, project, redis, service } from "railway/iac";
export default defineRailway((ctx) => {
  const cache = redis("Redis");
  const app = service("app", { env: { REDIS_URL: cache.env.REDIS_URL, ENV: ctx.environment ?? "" } });
  return project("demo", { resources: [cache, app] });
});
`,
      );
      const def = await evaluateRailwayFile(join(dir, '.railway', 'railway.ts'));
      const r = resolveRailway(def);
      assert.deepEqual(r.problems, []);
      assert.equal(r.variables.app?.ENV, 'production');
      assert.match(
        r.variables.app?.REDIS_URL ?? '',
        /^redis:\/\/default:[A-Za-z]{32}@redis\.railway\.internal:6379$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
