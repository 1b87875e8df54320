// `paasport import` on the real docker-compose files of five public apps (Umami, authentik, Langfuse, Twenty,
// Taiga; sources on each fixture's first line): each becomes a spec that loads, generates for every registered
// target (errors only where a platform cannot carry what the compose file says, each listed in the header),
// resolves in the real `docker compose config`, and keeps resources, placeholders, probes and the report.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertErrorsReported, assertSourceLine, composeConfig, importFixture } from './import-helpers.js';

describe('paasport import: Umami (web + PostgreSQL)', () => {
  const c = importFixture('umami', 'umami-software/umami');
  it('makes the postgres service a resource and wires DATABASE_URL to it', () => {
    assertSourceLine(c.source);
    assert.deepEqual(c.spec.resources, {
      db: { type: 'postgres', version: '15-alpine', database: 'umami', username: 'umami' },
    });
    const web = c.spec.workloads.umami!;
    assert.equal(web.role, 'web');
    assert.equal(web.image, 'ghcr.io/umami-software/umami:postgresql-latest');
    assert.deepEqual(web.ports, { http: 3000 });
    assert.equal(web.env?.DATABASE_URL, '${resources.db.url}');
    assert.equal(web.env?.DATABASE_TYPE, 'postgresql');
    assert.deepEqual(web.dependsOn, { db: 'healthy' });
  });
  it('turns the literal APP_SECRET into a generated secret and keeps the healthcheck as an HTTP probe', () => {
    assert.equal(c.spec.workloads.umami?.env?.APP_SECRET, '${secrets.APP_SECRET}');
    assert.deepEqual(c.spec.secrets, { APP_SECRET: { format: 'hex', length: 64 } });
    assert.doesNotMatch(c.text, /replace-me-with-a-random-string/);
    assert.deepEqual(c.spec.workloads.umami?.probes?.liveness, {
      http: { path: '/api/heartbeat', tool: 'curl' },
      interval: 5,
      timeout: 5,
      retries: 5,
    });
    assert.match(c.header, /services\.umami\.environment\.APP_SECRET: its literal value becomes a secret/);
  });
  it('generates for every target without an error and resolves in docker compose', () => {
    assert.deepEqual(c.errors, []);
    const web = composeConfig(c).services.umami!;
    assert.match(JSON.stringify(web.healthcheck), /api\/heartbeat/);
  });
});

describe('paasport import: authentik (server + worker, PostgreSQL, Redis, required variables)', () => {
  const c = importFixture('authentik', 'goauthentik/authentik');
  it('wires the shared env to the postgres and redis resources and hoists it to the top level', () => {
    assertSourceLine(c.source);
    assert.deepEqual(c.spec.resources?.postgresql, {
      type: 'postgres',
      version: '16-alpine',
      database: 'authentik',
      username: 'authentik',
    });
    assert.deepEqual(c.spec.resources?.redis, {
      type: 'redis',
      version: 'alpine',
      config: { save: '60 1', loglevel: 'warning' },
    });
    assert.deepEqual(c.spec.env, {
      AUTHENTIK_SECRET_KEY: '${secrets.AUTHENTIK_SECRET_KEY}',
      AUTHENTIK_REDIS__HOST: '${resources.redis.host}',
      AUTHENTIK_POSTGRESQL__HOST: '${resources.postgresql.host}',
      AUTHENTIK_POSTGRESQL__USER: '${resources.postgresql.username}',
      AUTHENTIK_POSTGRESQL__NAME: '${resources.postgresql.database}',
      AUTHENTIK_POSTGRESQL__PASSWORD: '${resources.postgresql.password}',
    });
    // PG_PASS (required by compose) is the resource's own password now, not a value to ask for.
    assert.equal(c.spec.inputs, undefined);
  });
  it('keeps the image from its ${VAR:-default} parts, commands, ports and folders as volumes', () => {
    const server = c.spec.workloads.server!;
    assert.equal(server.image, 'ghcr.io/goauthentik/server:2025.2.4');
    assert.deepEqual(server.args, ['server']);
    assert.deepEqual(server.ports, { http: 9000, 'port-9443': { port: 9443, public: true } });
    assert.deepEqual(server.volumes, {
      '/media': { volume: 'media' },
      '/templates': { volume: 'custom-templates' },
    });
    assert.deepEqual(c.spec.workloads.worker?.args, ['worker']);
    assert.deepEqual(c.spec.workloads.worker?.dependsOn, { postgresql: 'healthy', redis: 'healthy' });
  });
  it('reports the docker socket, user, ulimits and env_file with their reasons', () => {
    assert.match(c.header, /Not carried over \(6\):/);
    assert.match(c.header, /services\.postgresql\.env_file: \.env is not read/);
    assert.match(c.header, /services\.postgresql\.env_file: \.env is not read/);
    assert.match(
      c.header,
      /services\.worker\.volumes\.\/var\/run\/docker\.sock: \/var\/run\/docker\.sock is a host file/,
    );
    assert.match(c.header, /services\.worker\.user: the spec runs the image as its own user/);
    assert.match(c.header, /services\.worker\.ulimits: the spec has no ulimits/);
    assert.match(c.header, /services\.server\.env_file: \.env is not read/);
  });
  it("errs only where Railway needs the image's ENTRYPOINT, which a compose file does not name", () => {
    assert.deepEqual(
      c.generated.errors.map((e) => `${e.target} ${e.feature}`),
      ['railway workloads.server.args', 'railway workloads.worker.args'],
    );
    assertErrorsReported(c);
    const server = composeConfig(c).services.server!;
    assert.deepEqual(server.command, ['server']);
  });
});

describe('paasport import: Langfuse (MinIO, Redis with a password, PostgreSQL, ClickHouse)', () => {
  const c = importFixture('langfuse', 'langfuse/langfuse');
  const env = c.spec.env ?? {};
  it('makes MinIO an s3 resource and wires endpoint, public endpoint, keys and bucket', () => {
    assertSourceLine(c.source);
    assert.deepEqual(c.spec.resources?.minio, { type: 's3', bucket: 'langfuse', public: true });
    assert.equal(env.LANGFUSE_S3_EVENT_UPLOAD_ENDPOINT, '${resources.minio.endpoint}');
    assert.equal(env.LANGFUSE_S3_MEDIA_UPLOAD_ENDPOINT, '${resources.minio.publicEndpoint}');
    assert.equal(env.LANGFUSE_S3_EVENT_UPLOAD_ACCESS_KEY_ID, '${resources.minio.accessKeyId}');
    assert.equal(env.LANGFUSE_S3_EVENT_UPLOAD_SECRET_ACCESS_KEY, '${resources.minio.secretKey}');
    assert.equal(env.LANGFUSE_S3_BATCH_EXPORT_BUCKET, '${resources.minio.bucket}');
  });
  it('wires Redis and PostgreSQL through the variables their own services read', () => {
    assert.equal(env.REDIS_AUTH, '${resources.redis.password}');
    assert.equal(env.REDIS_HOST, '${resources.redis.host}');
    assert.equal(env.REDIS_PORT, '${resources.redis.port}');
    assert.equal(env.DATABASE_URL, '${resources.postgres.url}');
    assert.match(c.header, /--requirepass becomes the resource password/);
    assert.match(c.header, /docker\.io\/postgres:latest is not pinned/);
  });
  it('keeps ClickHouse as a service resource with its probe, and its password as one shared secret', () => {
    const ch = c.spec.resources?.clickhouse;
    assert.equal(ch?.type, 'service');
    assert.equal(ch?.image, 'docker.io/clickhouse/clickhouse-server:pin-a-version');
    assert.match(c.header, /clickhouse-server is untagged; a spec pins a version/);
    assert.deepEqual(ch?.probes?.liveness?.http, { path: '/ping', port: 'port-8123', tool: 'wget' });
    assert.equal(ch?.env?.CLICKHOUSE_PASSWORD, '${secrets.CLICKHOUSE_PASSWORD}');
    assert.equal(env.CLICKHOUSE_PASSWORD, '${secrets.CLICKHOUSE_PASSWORD}');
    assert.equal(env.CLICKHOUSE_URL, 'http://${resources.clickhouse.host}:${resources.clickhouse.port}');
    assert.deepEqual(c.spec.secrets?.ENCRYPTION_KEY, { format: 'hex', length: 64 });
  });
  it('keeps defaults, asks for empty-default values as optional inputs, and finds the app URL', () => {
    assert.equal(env.TELEMETRY_ENABLED, 'true');
    assert.equal(env.LANGFUSE_S3_EVENT_UPLOAD_PREFIX, 'events/');
    const web = c.spec.workloads['langfuse-web']!;
    assert.equal(web.env?.NEXTAUTH_URL, '${app.url}');
    assert.equal(web.env?.LANGFUSE_INIT_USER_EMAIL, '${inputs.LANGFUSE_INIT_USER_EMAIL}');
    assert.deepEqual(c.spec.inputs?.LANGFUSE_INIT_USER_PASSWORD, {
      label: 'Langfuse init user password',
      required: false,
      secret: true,
    });
    assert.deepEqual(c.spec.workloads['langfuse-worker']?.ports, { 'port-3030': 3030 });
  });
  it('generates for every target without an error and resolves in docker compose', () => {
    assert.deepEqual(c.errors, []);
    assertErrorsReported(c);
    const web = composeConfig(c).services['langfuse-web']!;
    assert.match(JSON.stringify(web.depends_on), /clickhouse/);
  });
});

describe('paasport import: Twenty (a one-shot service, a postgres URL built from variables)', () => {
  const c = importFixture('twenty', 'twentyhq/twenty');
  it('makes the service awaited with service_completed_successfully the release step', () => {
    assertSourceLine(c.source);
    const release = c.spec.workloads['change-vol-ownership']!;
    assert.equal(release.role, 'release');
    assert.deepEqual(release.command?.slice(0, 2), ['bash', '-c']);
    assert.deepEqual(c.spec.workloads.server?.dependsOn, {
      'change-vol-ownership': 'completed',
      db: 'healthy',
    });
    assert.deepEqual(c.spec.targets?.caprover?.accept, ['release']);
    assert.match(
      c.header,
      /caprover accepts release: workloads\.change-vol-ownership: CapRover has no pre-deploy hook/,
    );
  });
  it('wires the URL composed of ${VAR:-default} parts to the database, whose name it takes', () => {
    const server = c.spec.workloads.server!;
    assert.equal(server.env?.PG_DATABASE_URL, '${resources.db.url}');
    assert.equal(server.env?.REDIS_URL, '${resources.redis.url}');
    assert.equal(server.env?.SERVER_URL, '${app.url}');
    assert.equal(server.env?.STORAGE_TYPE, '${inputs.STORAGE_TYPE}');
    assert.deepEqual(c.spec.resources?.db, {
      type: 'postgres',
      version: '16',
      username: 'postgres',
      database: 'default',
    });
    assert.deepEqual(c.spec.resources?.redis, {
      type: 'redis',
      config: { 'maxmemory-policy': 'noeviction' },
    });
    assert.deepEqual(server.probes?.liveness?.http, { path: '/healthz', tool: 'curl' });
  });
  it('generates for every target without an error; compose runs the release step once, first', () => {
    assert.deepEqual(c.errors, []);
    const services = composeConfig(c).services;
    assert.equal(services['change-vol-ownership']?.restart, 'no');
    assert.match(JSON.stringify(services.server?.depends_on), /service_completed_successfully/);
  });
});

describe('paasport import: Taiga (two RabbitMQ brokers, YAML anchors, required variables)', () => {
  const c = importFixture('taiga', 'taigaio/taiga-docker');
  it('makes both brokers amqp resources and wires each service to the broker it depends on', () => {
    assertSourceLine(c.source);
    for (const id of ['taiga-async-rabbitmq', 'taiga-events-rabbitmq']) {
      assert.deepEqual(c.spec.resources?.[id], { type: 'amqp', version: '3.8-management-alpine' });
    }
    const events = c.spec.workloads['taiga-events']!;
    assert.equal(events.env?.RABBITMQ_USER, '${resources.taiga-events-rabbitmq.username}');
    assert.equal(events.env?.RABBITMQ_PASS, '${resources.taiga-events-rabbitmq.password}');
    const back = c.spec.workloads['taiga-back']!;
    assert.equal(back.env?.POSTGRES_HOST, '${resources.taiga-db.host}');
    assert.equal(back.env?.POSTGRES_PASSWORD, '${resources.taiga-db.password}');
    assert.equal(back.env?.POSTGRES_DB, '${resources.taiga-db.database}');
  });
  it('turns required variables into inputs (secret ones hidden) and SECRET_KEY into one generated secret', () => {
    assert.deepEqual(c.spec.inputs?.EMAIL_HOST_PASSWORD, { label: 'Email host password', secret: true });
    assert.deepEqual(c.spec.inputs?.EMAIL_HOST, { label: 'Email host' });
    assert.deepEqual(Object.keys(c.spec.secrets ?? {}), ['SECRET_KEY']);
    assert.equal(c.spec.workloads['taiga-protected']?.env?.SECRET_KEY, '${secrets.SECRET_KEY}');
    assert.equal(c.spec.workloads['taiga-front']?.env?.TAIGA_URL, '${app.url}');
  });
  it('publishes the gateway and reports its nginx config file and the networks', () => {
    const gateway = c.spec.workloads['taiga-gateway']!;
    assert.equal(gateway.role, 'web');
    assert.deepEqual(gateway.ports, { http: { port: 80, published: 9000 } });
    assert.match(
      c.header,
      /taiga-gateway\.volumes\.\/etc\/nginx\/conf\.d\/default\.conf: \.\/taiga-gateway\/taiga\.conf is a host file/,
    );
    assert.match(c.header, /\.networks: all services of a spec share one network/);
    assert.match(c.header, /taigaio\/taiga-back:latest is `latest`; a spec pins a version/);
  });
  it('generates for every target without an error and resolves in docker compose', () => {
    assert.deepEqual(c.errors, []);
    assert.ok(composeConfig(c).services['taiga-gateway']);
  });
});
