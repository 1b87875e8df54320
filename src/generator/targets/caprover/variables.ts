// CapRover one-click variables ($$cap_*) and how each env value of the app is written with them.
// Ids are chosen so none is a prefix of another (CapRover replaces them as plain text, in list order).
import type { AppModel } from '../../model/app-model.js';
import type { AddonKind } from '../../model/catalog.js';
import type { EnvSyntax } from '../shared/env.js';

export interface CapVariable {
  id: string;
  label: string;
  defaultValue?: string;
  validRegex?: string;
  description?: string;
}

const tagRegex = '/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/';
const identRegex = '/^[a-z_][a-z0-9_]{0,62}$/';

/** App secrets keep the env name in upper case and end in lower case, so no id can prefix another. */
export function secretVariableId(envName: string): string {
  return `$$cap_${envName}_value`;
}

function secret(id: string, label: string, length: number, minLength: number, note: string): CapVariable {
  return {
    id,
    label,
    defaultValue: `$$cap_gen_random_hex(${length})`,
    validRegex: `/^[A-Za-z0-9]{${minLength},}$/`,
    description: `${note} Generated for you; letters and digits only, at least ${minLength} characters.`,
  };
}

export function capVariables(model: AppModel): CapVariable[] {
  const vars: CapVariable[] = [
    {
      id: '$$cap_app_version',
      label: `${model.displayName} version`,
      defaultValue: model.app.version,
      validRegex: tagRegex,
      description: `Tag of the image \`${model.app.image}\`.`,
    },
  ];
  for (const { name, length } of model.app.env.flatMap((v) =>
    v.value.kind === 'secret' ? [{ name: v.name, length: v.value.length }] : [],
  )) {
    vars.push(secret(secretVariableId(name), name, length, length, `Value of \`${name}\`.`));
  }
  if (model.postgres) {
    const pg = model.postgres;
    vars.push(
      { id: '$$cap_pg_version', label: 'PostgreSQL version', defaultValue: pg.version, validRegex: tagRegex },
      {
        id: '$$cap_pg_database',
        label: 'PostgreSQL database',
        defaultValue: pg.database,
        validRegex: identRegex,
      },
      { id: '$$cap_pg_user', label: 'PostgreSQL user', defaultValue: pg.user, validRegex: identRegex },
      secret('$$cap_pg_password', 'PostgreSQL password', 32, 16, 'Used inside the database URL.'),
    );
  }
  if (model.redis) {
    vars.push(
      {
        id: '$$cap_redis_version',
        label: 'Redis version',
        defaultValue: model.redis.version,
        validRegex: tagRegex,
      },
      secret('$$cap_redis_password', 'Redis password', 32, 16, 'Used inside the Redis URL.'),
    );
  }
  if (model.minio) {
    const s3 = model.minio;
    vars.push(
      { id: '$$cap_s3_version', label: 'MinIO version', defaultValue: s3.version, validRegex: tagRegex },
      {
        id: '$$cap_s3_bucket',
        label: 'MinIO bucket',
        defaultValue: s3.bucket,
        validRegex: '/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/',
      },
      { id: '$$cap_s3_region', label: 'S3 region', defaultValue: s3.region, validRegex: '/^[a-z0-9-]+$/' },
      secret('$$cap_s3_access_key', 'MinIO access key (root user)', 20, 16, 'MinIO root user.'),
      secret('$$cap_s3_secret_key', 'MinIO secret key (root password)', 40, 16, 'MinIO root password.'),
    );
  }
  return vars;
}

export const capServices = {
  app: '$$cap_appname',
  postgres: '$$cap_appname-db',
  redis: '$$cap_appname-redis',
  minio: '$$cap_appname-s3',
} as const;

function host(kind: AddonKind): string {
  return `srv-captain--${capServices[kind]}`;
}

const outputs: Record<AddonKind, Record<string, string>> = {
  postgres: {
    url: `postgres://$$cap_pg_user:$$cap_pg_password@${host('postgres')}:5432/$$cap_pg_database`,
    host: host('postgres'),
    port: '5432',
    user: '$$cap_pg_user',
    password: '$$cap_pg_password',
    database: '$$cap_pg_database',
  },
  redis: {
    url: `redis://:$$cap_redis_password@${host('redis')}:6379`,
    host: host('redis'),
    port: '6379',
    password: '$$cap_redis_password',
  },
  minio: {
    endpoint: `http://${host('minio')}:9000`,
    publicEndpoint: 'https://$$cap_appname-s3.$$cap_root_domain',
    accessKey: '$$cap_s3_access_key',
    secretKey: '$$cap_s3_secret_key',
    bucket: '$$cap_s3_bucket',
    region: '$$cap_s3_region',
    forcePathStyle: 'true',
  },
};

export const capEnvSyntax: EnvSyntax = {
  literal: (value) => value,
  secret: (name) => secretVariableId(name),
  addon: (addon, output) => outputs[addon][output] ?? '',
  appUrl: () => 'https://$$cap_appname.$$cap_root_domain',
};
