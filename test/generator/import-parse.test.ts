// The compose reading under `paasport import`: interpolation pieces (`${VAR:-default}`, `${VAR:?message}`,
// `$VAR`, `$$`), short and long syntax of ports and volumes, durations, image names and what they classify as.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyImage, imageName, pinImage } from '../../src/generator/import/classify.js';
import { importCompose } from '../../src/generator/import/index.js';
import { pieces, soleVariable, withDefaults } from '../../src/generator/import/interpolate.js';
import { parseCompose, seconds } from '../../src/generator/import/parse.js';

describe('compose interpolation', () => {
  it('splits text, variables with defaults, required variables and escapes', () => {
    assert.deepEqual(pieces('postgres://${USER:-app}:${PASS:?set it}@db/$NAME $$x ${A-b}'), [
      { text: 'postgres://' },
      { variable: 'USER', default: 'app' },
      { text: ':' },
      { variable: 'PASS', required: 'set it' },
      { text: '@db/' },
      { variable: 'NAME' },
      { text: ' $x ' },
      { variable: 'A', default: 'b' },
    ]);
    assert.equal(withDefaults('${IMAGE:-ghcr.io/a/b}:${TAG:-${FALLBACK:-1.2}}'), 'ghcr.io/a/b:1.2');
    assert.deepEqual(soleVariable('${X:-}'), { variable: 'X', default: '' });
    assert.equal(soleVariable('a${X}'), undefined);
  });
});

describe('compose services', () => {
  const file = parseCompose(`
x-env: &env
  A: "1"
services:
  app:
    image: example/app:2
    environment:
      <<: *env
      B: two
    ports:
      - "127.0.0.1:8123:8123"
      - target: 53
        published: "5353"
        protocol: udp
      - "8080:80"
    volumes:
      - data:/data:ro
      - ./conf:/etc/app
      - type: tmpfs
        target: /tmp
    healthcheck:
      test: curl -f http://localhost/up
      interval: 1m30s
      start_period: 500ms
    depends_on: [db]
    deploy: { replicas: 2, resources: { limits: { cpus: "0.5", memory: 256M } } }
    user: "1000"
  worker:
    image: example/app:2
    environment: [C=3, D]
`);
  const [app, worker] = file.services;
  it('reads env in map form with merge keys and in list form (a bare name comes from the host)', () => {
    assert.deepEqual(app?.environment, [
      ['A', '1'],
      ['B', 'two'],
    ]);
    assert.deepEqual(worker?.environment, [
      ['C', '3'],
      ['D', undefined],
    ]);
  });
  it('reads ports and volumes in short and long syntax', () => {
    assert.deepEqual(app?.ports, [
      { target: 8123, published: 8123, protocol: 'tcp', local: true },
      { target: 53, published: 5353, protocol: 'udp', local: false },
      { target: 80, published: 8080, protocol: 'tcp', local: false },
    ]);
    assert.deepEqual(app?.volumes, [
      { source: 'data', target: '/data', readOnly: true, kind: 'volume' },
      { source: './conf', target: '/etc/app', readOnly: false, kind: 'bind' },
      { target: '/tmp', readOnly: false, kind: 'tmpfs' },
    ]);
  });
  it('reads the healthcheck, depends_on, deploy and the keys it does not map', () => {
    assert.deepEqual(app?.healthcheck, {
      test: ['CMD-SHELL', 'curl -f http://localhost/up'],
      interval: 90,
      startPeriod: 1,
    });
    assert.deepEqual(app?.dependsOn, [['db', 'service_started']]);
    assert.equal(app?.replicas, 2);
    assert.deepEqual(app?.limits, { cpu: '0.5', memory: '256M' });
    assert.deepEqual(app?.other, ['user']);
    assert.equal(seconds('1h2m3s'), 3723);
  });
  it('refuses a file without services', () => {
    assert.throws(() => parseCompose('volumes: {}\n'), /has no services/);
    assert.throws(() => parseCompose('services: [\n'), /not valid YAML/);
  });
});

describe('images', () => {
  it('classifies by repository, whatever the registry', () => {
    assert.equal(classifyImage('docker.io/library/postgres:16-alpine'), 'postgres');
    assert.equal(classifyImage('tensorchord/pgvecto-rs:pg16-v0.2.0'), 'postgres');
    assert.equal(classifyImage('valkey/valkey:8'), 'redis');
    assert.equal(classifyImage('eqalpha/keydb:latest'), 'redis');
    assert.equal(classifyImage('quay.io/minio/minio'), 's3');
    assert.equal(classifyImage('rabbitmq:3-management'), 'amqp');
    assert.equal(classifyImage('clickhouse/clickhouse-server:24'), 'service');
    assert.equal(classifyImage('ghcr.io/acme/postgres-backup:1'), 'app');
    assert.deepEqual(imageName('localhost:5000/a/b:1@sha256:abc'), {
      repository: 'localhost:5000/a/b',
      short: 'localhost:5000/a/b',
      tag: '1',
      digest: 'sha256:abc',
    });
  });
  it('pins what compose runs as latest or untagged with a marker and says so', () => {
    assert.deepEqual(pinImage('nginx:1.27'), { ref: 'nginx:1.27' });
    assert.equal(pinImage('nginx').ref, 'nginx:pin-a-version');
    assert.match(pinImage('nginx:latest').note ?? '', /`latest`; a spec pins a version/);
  });
});

describe('importing a small file', () => {
  it('reads a Redis URL with a password, an AMQP URL and a query, and reports what it drops', () => {
    const { spec, findings } = importCompose(
      `services:
  app:
    image: example/app:2
    command: worker --queue high
    environment:
      REDIS_URL: redis://:s3cret@cache:6379/2
      AMQP_URL: amqp://guest:guest@mq:5672/
      DATABASE_URL: postgresql://app:pw@db/app?sslmode=disable
    privileged: true
  cache: { image: "redis:7.4", command: redis-server --requirepass s3cret }
  mq: { image: "rabbitmq:4.1-management", environment: { RABBITMQ_DEFAULT_USER: guest } }
  db: { image: "postgres:17", environment: { POSTGRES_PASSWORD: pw } }
`,
      '/srv/shop/docker-compose.yml',
    );
    assert.equal(spec.name, 'shop');
    const env = spec.workloads.app?.env ?? {};
    assert.equal(env.REDIS_URL, '${resources.cache.url}/2');
    assert.equal(env.AMQP_URL, '${resources.mq.url}');
    assert.deepEqual(env.DATABASE_URL, { from: 'resources.db.url', query: { sslmode: 'disable' } });
    assert.deepEqual(spec.workloads.app?.args, ['worker', '--queue', 'high']);
    assert.deepEqual(spec.resources?.mq, { type: 'amqp', version: '4.1-management', username: 'guest' });
    assert.ok(findings.some((f) => f.kind === 'skip' && f.where === 'services.app.privileged'));
  });
});
