// Builds the compose-format stack (app + Postgres + Redis + MinIO + bucket-init job) shared by the compose,
// Swarm and Coolify targets. A flavor supplies what differs: secret syntax, URLs, ports, restart and deploy keys.
import type { AppModel } from '../../model/app-model.js';
import { imageRef } from '../../model/app-model.js';
import type { AddonKind } from '../../model/catalog.js';
import { sortedRecord } from '../../render/text.js';
import { type EnvSyntax, httpProbe, postgresDataPath, renderEnv, usesOutput } from './env.js';

export type AddonSecret = 'postgresPassword' | 'redisPassword' | 'minioUser' | 'minioPassword';

export interface StackFlavor {
  /** How a generated secret is written: an addon credential or an app env secret. */
  secret(secret: AddonSecret | { env: string; length: number }): string;
  appUrl: string;
  /** Browser-facing S3 URL of MinIO. */
  s3PublicEndpoint: string;
  appSource: { image: string } | { build: { context: string; dockerfile: string } };
  /** Env as a `KEY=value` list (Coolify style) or a mapping. */
  envList: boolean;
  /** Extra env entries per service (e.g. Coolify's SERVICE_URL declarations), written before the others. */
  extraEnv?: Partial<Record<'app' | AddonKind, string[]>>;
  /** compose: conditions; swarm: plain list (Swarm ignores ordering). */
  dependsOn: 'conditions' | 'list';
  publishPorts: boolean;
  /** Per-service keys merged last (restart, deploy, exclude_from_hc …). */
  extra(service: 'app' | AddonKind | 'minio-init'): Record<string, unknown>;
}

const probe = { interval: '5s', timeout: '5s', retries: 10 };

export function buildStack(model: AppModel, flavor: StackFlavor): Record<string, unknown> {
  const services: Record<string, Record<string, unknown>> = {};
  const volumes: Record<string, Record<string, never>> = {};
  const deps: Record<string, { condition: string }> = {};
  const env = (pairs: [string, string][], extra: string[] = []) =>
    flavor.envList
      ? [...extra, ...pairs.map(([k, v]) => `${k}=${v}`)].sort((a, b) => (envKey(a) < envKey(b) ? -1 : 1))
      : Object.fromEntries(pairs);
  const addon = (k: AddonKind) => flavor.extraEnv?.[k] ?? [];

  if (model.postgres) {
    deps.postgres = { condition: 'service_healthy' };
    volumes['postgres-data'] = {};
    services.postgres = {
      image: imageRef(model.postgres),
      environment: env(
        [
          ['POSTGRES_DB', model.postgres.database],
          ['POSTGRES_PASSWORD', flavor.secret('postgresPassword')],
          ['POSTGRES_USER', model.postgres.user],
        ],
        addon('postgres'),
      ),
      volumes: [`postgres-data:${postgresDataPath(model.postgres.version)}`],
      healthcheck: { test: ['CMD-SHELL', 'pg_isready -U $${POSTGRES_USER} -d $${POSTGRES_DB}'], ...probe },
      ...flavor.extra('postgres'),
    };
  }
  if (model.redis) {
    const password = flavor.secret('redisPassword');
    deps.redis = { condition: 'service_healthy' };
    volumes['redis-data'] = {};
    services.redis = {
      image: imageRef(model.redis),
      command: ['redis-server', '--appendonly', 'yes', '--requirepass', password],
      // Also in env: Coolify generates magic values only for names used in `environment`.
      environment: env([['REDIS_PASSWORD', password]], addon('redis')),
      volumes: ['redis-data:/data'],
      healthcheck: {
        test: ['CMD-SHELL', 'redis-cli -a "$${REDIS_PASSWORD}" --no-auth-warning ping | grep -q PONG'],
        ...probe,
      },
      ...flavor.extra('redis'),
    };
  }
  if (model.minio) {
    const rootEnv: [string, string][] = [
      ['MINIO_ROOT_PASSWORD', flavor.secret('minioPassword')],
      ['MINIO_ROOT_USER', flavor.secret('minioUser')],
    ];
    deps.minio = { condition: 'service_healthy' };
    deps['minio-init'] = { condition: 'service_completed_successfully' };
    volumes['minio-data'] = {};
    services.minio = {
      image: imageRef(model.minio),
      command: ['server', '/data', '--console-address', ':9001'],
      environment: env([...rootEnv, ['MINIO_SITE_REGION', model.minio.region]], addon('minio')),
      volumes: ['minio-data:/data'],
      healthcheck: { test: ['CMD', 'mc', 'ready', 'local'], ...probe },
      ...(flavor.publishPorts && usesOutput(model, 'minio', 'publicEndpoint')
        ? { ports: ['9000:9000'] }
        : {}),
      ...flavor.extra('minio'),
    };
    services['minio-init'] = {
      image: imageRef(model.minio),
      entrypoint: [
        '/bin/sh',
        '-ec',
        'mc alias set local http://minio:9000 "$${MINIO_ROOT_USER}" "$${MINIO_ROOT_PASSWORD}" && mc mb --ignore-existing "local/$${S3_BUCKET}"',
      ],
      environment: env([...rootEnv, ['S3_BUCKET', model.minio.bucket]]),
      depends_on: flavor.dependsOn === 'list' ? ['minio'] : { minio: { condition: 'service_healthy' } },
      ...flavor.extra('minio-init'),
    };
  }

  const syntax: EnvSyntax = {
    literal: (value) => value.replace(/\$/g, '$$$$'),
    secret: (name, length) => flavor.secret({ env: name, length }),
    addon: (kind, output) => addonOutput(model, flavor, kind, output),
    appUrl: () => flavor.appUrl,
  };
  for (const v of model.app.volumes) volumes[v.name] = {};
  const depNames = Object.keys(deps);
  services[model.name] = {
    ...('image' in flavor.appSource ? { image: flavor.appSource.image } : { build: flavor.appSource.build }),
    ...(model.app.command ? { command: model.app.command } : {}),
    environment: env(renderEnv(model, syntax), flavor.extraEnv?.app ?? []),
    ...(model.app.volumes.length > 0 ? { volumes: model.app.volumes.map((v) => `${v.name}:${v.path}`) } : {}),
    ...(flavor.publishPorts ? { ports: [`${model.app.port}:${model.app.port}`] } : {}),
    ...(depNames.length > 0
      ? { depends_on: flavor.dependsOn === 'list' ? depNames.sort() : sortedRecord(deps) }
      : {}),
    healthcheck: {
      test: httpProbe(model, model.app.healthPath),
      interval: '10s',
      timeout: '5s',
      retries: 6,
      start_period: '20s',
    },
    stop_grace_period: `${model.app.stopGracePeriod}s`,
    ...flavor.extra('app'),
  };

  const sortedServices = Object.fromEntries(Object.entries(services).sort(([a], [b]) => (a < b ? -1 : 1)));
  const sortedVolumes = Object.fromEntries(Object.entries(volumes).sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    services: sortedServices,
    ...(Object.keys(sortedVolumes).length > 0 ? { volumes: sortedVolumes } : {}),
  };
}

function envKey(entry: string): string {
  return entry.split('=')[0] ?? entry;
}

function addonOutput(model: AppModel, flavor: StackFlavor, kind: AddonKind, output: string): string {
  if (kind === 'postgres' && model.postgres) {
    const pg = model.postgres;
    const password = flavor.secret('postgresPassword');
    const values: Record<string, string> = {
      url: `postgres://${pg.user}:${password}@postgres:5432/${pg.database}`,
      host: 'postgres',
      port: '5432',
      user: pg.user,
      password,
      database: pg.database,
    };
    return values[output] ?? '';
  }
  if (kind === 'redis') {
    const password = flavor.secret('redisPassword');
    const values: Record<string, string> = {
      url: `redis://:${password}@redis:6379`,
      host: 'redis',
      port: '6379',
      password,
    };
    return values[output] ?? '';
  }
  if (kind === 'minio' && model.minio) {
    const values: Record<string, string> = {
      endpoint: 'http://minio:9000',
      publicEndpoint: flavor.s3PublicEndpoint,
      accessKey: flavor.secret('minioUser'),
      secretKey: flavor.secret('minioPassword'),
      bucket: model.minio.bucket,
      region: model.minio.region,
      forcePathStyle: 'true',
    };
    return values[output] ?? '';
  }
  return '';
}
