// Render: every fixture app against the goldens and our encoding of Render's Blueprint specification; the
// mapping of each feature (web/worker/pserv, databases, Key Value, environment groups, generated and
// prompted values, references, health check, shutdown delay, release step) and the losses Render reports.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import type { Generated } from '../../src/generator/generate.js';
import { renderTarget } from '../../src/generator/targets/render/index.js';
import { cases, generateCase } from './helpers.js';
import {
  appCases,
  appFromText,
  assertFeature,
  assertGolden,
  fixtureText,
  generateApp,
  loadApp,
  type SpecTree,
} from './rules/app-fixtures.js';
import { checkBlueprint } from './rules/render-rules.js';

type Doc = {
  services: Record<string, unknown>[];
  databases?: Record<string, unknown>[];
  envVarGroups?: { name: string; envVars: Record<string, unknown>[] }[];
};

function blueprint(g: Generated): Doc {
  const f = g.files.find((x) => x.path === 'render.yaml');
  assert.ok(f, `no render.yaml (errors: ${JSON.stringify(g.errors)})`);
  return parse(f.content as string) as Doc;
}

function variant(fixture: string, change: (spec: SpecTree) => void): Generated {
  const spec = parse(fixtureText(fixture));
  change(spec);
  return generateApp(appFromText(stringify(spec)), [renderTarget]);
}

const service = (d: Doc, name: string) => d.services.find((s) => s.name === name) as Record<string, unknown>;
const env = (s: Record<string, unknown>, key: string) =>
  (s.envVars as Record<string, unknown>[]).find((e) => e.key === key);

describe('render: fixture apps (spec version 2 and Score)', () => {
  for (const c of appCases) {
    it(`${c.name}: goldens and the Blueprint specification`, () => {
      const g = generateApp(loadApp(c.spec), [renderTarget]);
      assertGolden('render', c.name, g);
      if (g.errors.length === 0) assert.deepEqual(checkBlueprint(blueprint(g)), []);
    });
  }
});

describe('render: version 1 specs', () => {
  for (const c of cases) {
    it(`${c.name}: the Blueprint specification`, () => {
      const g = generateCase(c.spec, [renderTarget]);
      assert.deepEqual(g.errors, []);
      assert.deepEqual(checkBlueprint(blueprint(g)), []);
    });
  }
});

describe('render: mapping', () => {
  it('web, worker, database, Key Value, group, release step, health check and shutdown delay', () => {
    const d = blueprint(generateApp(loadApp('test/fixtures/specs/v2-relay-jobs.yaml'), [renderTarget]));
    const web = service(d, 'relay');
    assert.equal(web.type, 'web');
    assert.equal(web.preDeployCommand, 'bundle exec rails db:prepare');
    assert.equal(web.healthCheckPath, '/up');
    assert.equal(web.maxShutdownDelaySeconds, 30);
    assert.equal(web.numInstances, 2);
    assert.deepEqual(env(web, 'DATABASE_URL'), {
      key: 'DATABASE_URL',
      fromDatabase: { name: 'relay-db', property: 'connectionString' },
    });
    assert.deepEqual(env(web, 'SECRET_KEY_BASE'), { key: 'SECRET_KEY_BASE', generateValue: true });
    assert.deepEqual(env(service(d, 'relay-worker'), 'SECRET_KEY_BASE'), {
      key: 'SECRET_KEY_BASE',
      fromService: { type: 'web', name: 'relay', envVarKey: 'SECRET_KEY_BASE' },
    });
    assert.equal(service(d, 'relay-worker').type, 'worker');
    assert.equal(service(d, 'relay-jobs').type, 'keyvalue');
    assert.equal(d.databases?.[0]?.databaseName, 'relay');
    assert.deepEqual(d.envVarGroups?.[0]?.envVars, [{ key: 'RAILS_ENV', value: 'production' }]);
  });

  it('S3 becomes settings asked for at Blueprint creation, with a warning', () => {
    const g = generateCase(cases[0].spec, [renderTarget]);
    const web = service(blueprint(g), 'paasport');
    assert.deepEqual(env(web, 'S3_ENDPOINT'), { key: 'S3_ENDPOINT', sync: false });
    assert.ok(g.warnings.some((w) => w.feature === 'resources.minio'));
  });

  it('a second disk on a service is an error unless the spec accepts the loss', () => {
    const twoDisks = (s: SpecTree) => {
      s.workloads.web.volumes = { '/data': { volume: 'data' }, '/cache': { volume: 'cache' } };
      s.workloads.web.replicas = 1;
      s.resources.data = { type: 'volume' };
      s.resources.cache = { type: 'volume' };
    };
    assertFeature(variant('v2-relay-jobs', twoDisks), 'errors', 'render: workloads.web.volumes');
    const accepted = variant('v2-relay-jobs', (s) => {
      twoDisks(s);
      s.targets = { render: { accept: ['volume'] } };
    });
    assert.deepEqual(accepted.errors, []);
    assertFeature(accepted, 'warnings', 'render: workloads.web.volumes');
    const web = service(blueprint(accepted), 'relay');
    assert.equal(web.numInstances, 1);
    assert.deepEqual(web.disk, { name: 'cache', mountPath: '/cache', sizeGB: 1 });
  });

  it('a value composing a reference with text is asked for at Blueprint creation, with a warning', () => {
    const g = variant('v2-relay-jobs', (s) => {
      s.workloads.web.env = { ...(s.workloads.web.env ?? {}), CALLBACK: '${app.url}/callback' };
    });
    assert.deepEqual(g.errors, []);
    assertFeature(g, 'warnings', 'render: workloads.web.env.CALLBACK');
    assert.match(
      g.warnings.find((w) => w.feature === 'workloads.web.env.CALLBACK')?.message ?? '',
      /<the app's url>\/callback/,
    );
    assert.deepEqual(env(service(blueprint(g), 'relay'), 'CALLBACK'), { key: 'CALLBACK', sync: false });
  });
});
