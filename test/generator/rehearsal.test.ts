// Rehearsal of the repo's own spec on every platform: generate the outputs, resolve the web service's
// environment the way the platform does (test/generator/rehearsal/*-resolve.ts), start stand-ins for its
// PostgreSQL, Redis and S3 on 127.0.0.1 configured as the platform would configure them, and run the real
// server with exactly that environment: /readyz must answer 200 on the pg, redis and s3 drivers, backups are
// scheduled and /metrics wants the generated METRICS_TOKEN. This proves the wiring (variable names,
// credentials, hosts, buckets, installer defaults), not only the format.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startPostgres } from '../../scripts/test-services.mjs';
import { generate } from '../../src/generator/generate.js';
import { allTargets } from '../../src/generator/targets/index.js';
import { backupSettings } from '../../src/server/config/backups.js';
import { writeTree } from './helpers.js';
import { rehearsals } from './rehearsal/plans.js';
import { rehearse } from './rehearsal/rehearse.js';
import { loadApp } from './v2-helpers.js';

const model = loadApp('templates/specs/paasport.yaml');

/** One-change wiring bugs the rehearsal must catch, so a pass above means something. */
const controls = [
  {
    bug: 'a database password the database was not given',
    target: 'caprover',
    file: 'one-click-apps/public/v4/apps/paasport.yml',
    from: 'postgresql://paasport:$$cap_postgres_password@',
    to: 'postgresql://paasport:$$cap_redis_password@',
    error: /password authentication failed for user \\*"paasport/,
  },
  {
    bug: 'a host name no backing service answers to',
    target: 'caprover',
    file: 'one-click-apps/public/v4/apps/paasport.yml',
    from: '@srv-captain--$$cap_appname-postgres:5432',
    to: '@srv-captain--$$cap_appname-database:5432',
    error: /addresses no backing service answers at/,
  },
  {
    bug: 'an S3 region the MinIO does not serve',
    target: 'swarm',
    file: 'templates/swarm/paasport.stack.yml',
    from: 'S3_REGION: us-east-1',
    to: 'S3_REGION: eu-west-1',
    error: /the region is wrong/,
  },
  {
    bug: 'a default backup schedule the server rejects',
    target: 'compose',
    file: 'templates/compose/paasport/docker-compose.yml',
    from: 'BACKUP_SCHEDULE:-0 3 * * *}',
    to: 'BACKUP_SCHEDULE:-61 3 * * *}',
    error: /expected a cron expression/,
  },
  {
    bug: 'a Railway reference to a variable Postgres does not have',
    target: 'railway',
    file: '.railway/railway.ts',
    from: 'ref(postgresNode, "DATABASE_URL")',
    to: 'ref(postgresNode, "DATABASE_PRIVATE_URL")',
    error: /postgres\.DATABASE_PRIVATE_URL\}\} does not exist/,
  },
];

describe('rehearsal: the generated outputs of templates/specs/paasport.yaml run as their platform wires them', () => {
  let dir: string;
  let scratch: string;
  // Checks passwords on TCP, so a credential the platform would not hand the app fails the login.
  let postgres: Awaited<ReturnType<typeof startPostgres>>;

  before(async () => {
    const generated = generate(model, allTargets);
    assert.deepEqual(generated.errors, []);
    dir = writeTree(generated.files);
    scratch = mkdtempSync(join(tmpdir(), 'paasport-rehearsal-'));
    // PostgreSQL runs as its own user when we are root: it must be able to enter this folder.
    chmodSync(scratch, 0o755);
    postgres = await startPostgres({ parent: scratch, passwordAuth: true });
  });

  after(async () => {
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  for (const c of controls) {
    it(`fails on ${c.bug} (${c.target})`, async () => {
      const generated = generate(model, allTargets);
      const file = generated.files.find((f) => f.path === c.file);
      assert.ok(
        typeof file?.content === 'string' && file.content.includes(c.from),
        `${c.file} has ${c.from}`,
      );
      file.content = file.content.split(c.from).join(c.to);
      const mutated = writeTree(generated.files, mkdtempSync(join(scratch, 'mutated-')));
      const rehearsal = rehearsals(model.name).find((r) => r.key === c.target);
      assert.ok(rehearsal);
      const plan = await rehearsal.plan(mutated, mkdtempSync(join(scratch, 'work-')));
      await assert.rejects(rehearse(plan, postgres, scratch), c.error);
    });
  }

  for (const rehearsal of rehearsals(model.name)) {
    it(rehearsal.name, async () => {
      const work = mkdtempSync(join(scratch, 'work-'));
      const plan = await rehearsal.plan(dir, work);
      const { status, body, changed, env, metrics } = await rehearse(plan, postgres, scratch);
      assert.equal(status, 200, JSON.stringify(body));
      assert.deepEqual(
        Object.fromEntries(Object.entries(body.checks).map(([k, c]) => [k, [c.driver, c.ok]])),
        { postgres: ['pg', true], redis: ['redis', true], storage: ['s3', true] },
      );
      for (const key of ['DATABASE_URL', 'REDIS_URL', 'S3_ENDPOINT']) {
        assert.ok(changed.includes(key), `${key} does not point at a backing service: ${plan.env[key]}`);
      }
      // Safe defaults of every install: a backup schedule the server accepts, and /metrics behind a token.
      const schedule = env.BACKUP_SCHEDULE?.trim() ?? '';
      assert.notEqual(schedule, '', 'BACKUP_SCHEDULE is empty: no backups by default');
      assert.ok(backupSettings.BACKUP_SCHEDULE.schema.safeParse(schedule).success, schedule);
      assert.ok((env.METRICS_TOKEN ?? '').length >= 16, `METRICS_TOKEN: ${env.METRICS_TOKEN}`);
      assert.deepEqual(
        metrics,
        { anonymous: 401, withToken: 200 },
        'GET /metrics without and with the token',
      );
    });
  }
});
