// Loading version 2 specs and Score files: schema and semantic errors in one round with pointer, expectation
// and hint; normalization (roles, shared env, inline secrets and inputs, URL forms, external resources).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAnySpecText } from '../../src/generator/spec/load-any.js';
import type { SpecError } from '../../src/generator/spec/types.js';
import { appFromText } from './v2-helpers.js';

function errorsOf(text: string): SpecError[] {
  const result = parseAnySpecText(text);
  assert.equal(result.ok, false, 'should be invalid');
  return result.ok ? [] : result.errors;
}

const head = 'version: 2\nname: shop\ndescription: d\nimage: ghcr.io/acme/shop:1.0.0\n';

describe('spec version 2', () => {
  it('reports schema and semantic errors in the same round, each with pointer, expectation and hint', () => {
    const errors = errorsOf(
      `${head}workloads:\n  web:\n    ports: { http: 3000 }\n    replicaz: 2\n    env:\n      DB: \${resources.dbb.url}\n    dependsOn: { cache: healthy }\n  release:\n    replicas: 2\nresources:\n  db: { type: postgres, bucket: x }\n`,
    );
    const by = (pointer: string) =>
      errors.find(
        (e) =>
          e.pointer === pointer &&
          (e.hint !== undefined || !errors.some((x) => x.pointer === pointer && x.hint)),
      );
    assert.equal(by('/workloads/web/replicaz')?.hint, 'did you mean "replicas"?');
    assert.match(by('/workloads/web/env/DB')?.message ?? '', /resource "dbb".*not declared/);
    assert.equal(by('/workloads/web/env/DB')?.hint, 'did you mean "db"?');
    assert.match(by('/workloads/web/dependsOn/cache')?.message ?? '', /neither a workload nor a resource/);
    assert.equal(by('/workloads/release/replicas')?.message, 'a release step runs once');
    assert.equal(by('/resources/db/bucket')?.hint, 'only for s3');
  });

  it('checks outputs per resource type, placeholders, inputs, secrets and URL forms', () => {
    const errors = errorsOf(
      `${head}workloads:\n  web:\n    env:\n      A: \${resources.q.hots}\n      B: \${inputs.NOPE}\n      C: \${secrets.MISSING}\n      D: \${app.urll}\n      E: { from: resources.q.host, scheme: amqps }\n      F: \${env.HOME}\nresources:\n  q: { type: amqp }\n`,
    );
    const by = (pointer: string) => errors.filter((e) => e.pointer === pointer);
    assert.equal(by('/workloads/web/env/A')[0]?.hint, 'did you mean "host"?');
    assert.match(by('/workloads/web/env/B')[0]?.message ?? '', /input "NOPE"/);
    assert.match(by('/workloads/web/env/C')[0]?.message ?? '', /secret "MISSING"/);
    assert.equal(by('/workloads/web/env/D')[0]?.expected, 'url, host or name');
    assert.match(by('/workloads/web/env/E')[0]?.message ?? '', /only to the url/);
    assert.match(by('/workloads/web/env/F')[0]?.message ?? '', /not a known placeholder/);
  });

  it('rejects probes on unknown ports, healthy waits on unprobed workloads, clashing names', () => {
    const errors = errorsOf(
      `${head}workloads:\n  web:\n    ports: { http: 80 }\n    probes: { liveness: { tcp: { port: grpc } } }\n  idle:\n    args: [sleep]\n  worker:\n    dependsOn: { idle: healthy }\n  db: {}\nresources:\n  db: { type: postgres, external: true }\ninputs:\n  DB_HOST: { label: x }\n`,
    );
    const pointers = errors.map((e) => e.pointer);
    assert.ok(pointers.includes('/workloads/web/probes/liveness/tcp/port'), pointers.join());
    assert.ok(pointers.includes('/workloads/worker/dependsOn/idle'));
    assert.ok(pointers.includes('/resources/db'), 'a workload and a resource share the name db');
    assert.ok(pointers.includes('/resources/db/external'), 'the external input DB_HOST clashes');
  });

  it('normalizes roles, shared env, inline secrets and inputs, and the image reused by workers', () => {
    const app = appFromText(
      `${head}env:\n  SECRET: { secret: { format: base64, length: 40 } }\n  TZ: { input: { label: Time zone, default: UTC } }\nworkloads:\n  web:\n    ports: { http: 3000 }\n  worker:\n    args: [work]\n  release:\n    args: [migrate]\n  clock:\n    role: scheduler\n`,
    );
    assert.deepEqual(
      app.workloads.map((w) => [w.name, w.role, w.imageOf ?? '-']),
      [
        ['release', 'release', 'web'],
        ['web', 'web', '-'],
        ['clock', 'scheduler', 'web'],
        ['worker', 'worker', 'web'],
      ],
    );
    assert.deepEqual(app.secrets, [{ id: 'SECRET', format: 'base64', length: 40 }]);
    assert.equal(app.inputs[0]?.default, 'UTC');
    for (const w of app.workloads)
      assert.deepEqual(
        w.env.map((e) => e.name),
        ['SECRET', 'TZ'],
      );
    assert.deepEqual(app.workloads[1]?.ports[0], {
      name: 'http',
      port: 3000,
      protocol: 'tcp',
      http: true,
      public: true,
    });
  });

  it('rewrites an external database into inputs and composes the URL form of each use', () => {
    const app = appFromText(
      `${head}workloads:\n  web:\n    env:\n      URL: { from: resources.db.url, scheme: postgresql, query: { sslmode: require } }\n      HOST: \${resources.db.host}\nresources:\n  db: { type: postgres, external: true }\n`,
    );
    const env = Object.fromEntries(app.workloads[0]!.env.map((e) => [e.name, e.value]));
    assert.deepEqual(env.HOST, [{ kind: 'input', input: 'DB_HOST' }]);
    const url = env
      .URL!.map((p) => (p.kind === 'text' ? p.text : p.kind === 'input' ? `<${p.input}>` : '?'))
      .join('');
    assert.equal(
      url,
      'postgresql://<DB_USERNAME>:<DB_PASSWORD>@<DB_HOST>:<DB_PORT>/<DB_DATABASE>?sslmode=require',
    );
    assert.deepEqual(
      app.inputs.map((i) => [i.id, i.secret, i.default ?? '']),
      [
        ['DB_DATABASE', false, ''],
        ['DB_HOST', false, ''],
        ['DB_PASSWORD', true, ''],
        ['DB_PORT', false, '5432'],
        ['DB_USERNAME', false, ''],
      ],
    );
  });
});

describe('Score v1b1 input', () => {
  it('validates against the published schema and maps what it can, listing what it ignored', () => {
    const bad = errorsOf('apiVersion: score.dev/v1b1\nmetadata: { name: x }\ncontainers: {}\n');
    assert.ok(
      bad.some((e) => e.pointer === '/metadata/name'),
      JSON.stringify(bad),
    );
    const result = parseAnySpecText(
      'apiVersion: score.dev/v1b1\nmetadata: { name: api }\nservice: { ports: { web: { port: 80, targetPort: 8080 } } }\ncontainers:\n  migrate:\n    image: ghcr.io/acme/api:2.0.0\n    args: [migrate]\n  main:\n    image: ghcr.io/acme/api:2.0.0\n    variables: { PG: "$' +
        '{resources.db.uri}", NAME: "$' +
        '{metadata.name}" }\n    before: { migrate: { ready: complete } }\n    livenessProbe: { httpGet: { port: 8080, path: /health, httpHeaders: [{ name: X, value: y }] } }\nresources:\n  db: { type: postgres, class: large }\n',
    );
    assert.ok(result.ok, JSON.stringify(result));
    if (!result.ok || result.version !== 2) return;
    assert.equal(result.spec.workloads.migrate?.role, 'release');
    assert.deepEqual(result.spec.workloads.main?.dependsOn, { migrate: 'completed' });
    assert.deepEqual(result.source.ignored.map((i) => i.pointer).sort(), [
      '/containers',
      '/containers/main/livenessProbe/httpGet/httpHeaders',
      '/resources/db/class',
    ]);
    assert.deepEqual(result.spec.workloads.main?.ports, {
      web: { port: 8080, http: true, public: true, published: 80 },
    });
  });

  it('rejects unpinned images and resource types with no provisioner, with Score pointers', () => {
    const errors = errorsOf(
      'apiVersion: score.dev/v1b1\nmetadata: { name: api }\ncontainers:\n  main:\n    image: nginx\nresources:\n  events: { type: kafka-topic }\n',
    );
    assert.deepEqual(errors.map((e) => e.pointer).sort(), [
      '/containers/main/image',
      '/resources/events/type',
    ]);
  });
});

describe('spec version 1', () => {
  it('reports schema and semantic errors in the same round too', () => {
    const errors = errorsOf(
      'version: 1\nname: redis\ndescription: d\napp: {image: a/b, version: "1", port: 0, env: {W: {from: redis.url}}}\n',
    );
    const pointers = errors.map((e) => e.pointer);
    assert.ok(pointers.includes('/app/port'), 'schema: port out of range');
    assert.ok(pointers.includes('/name'), 'semantic: reserved name');
    assert.ok(pointers.includes('/app/env/W/from'), 'semantic: undeclared addon');
  });
});
