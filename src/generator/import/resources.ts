// Turns the compose services that are PostgreSQL, Redis, MinIO, RabbitMQ or known infrastructure into spec
// resources, and records what the app's other services may quote of them (host names, users, passwords,
// the variables those came from) so env-map.ts can replace the copies with `${resources.<id>.<output>}`.
import type { ResourceSpec } from '../spec/types-v2.js';
import { classifyImage, type ImageKind, pinImage, resourceImage } from './classify.js';
import type { Findings } from './findings.js';
import { soleVariable, withDefaults } from './interpolate.js';
import type { ComposeService } from './parse.js';

/** What one value of a resource was in the compose file: a literal, and the variable it came from if any. */
export interface Known {
  literal: string;
  variable?: string;
}

export interface ResourceInfo {
  id: string;
  kind: Exclude<ImageKind, 'app'>;
  service: ComposeService;
  spec: ResourceSpec;
  hosts: Set<string>;
  port: number;
  /** Host ports the compose file published the main port on (a browser-facing S3 endpoint). */
  published: number[];
  known: Partial<Record<'username' | 'password' | 'database' | 'accessKeyId' | 'secretKey' | 'vhost', Known>>;
}

const defaultPorts: Record<string, number> = { postgres: 5432, redis: 6379, s3: 9000, amqp: 5672 };
const servicePorts: [RegExp, number][] = [
  [/clickhouse/, 8123],
  [/memcached/, 11211],
  [/mysql|mariadb/, 3306],
  [/mongo/, 27017],
  [/elasticsearch|opensearch/, 9200],
  [/meilisearch/, 7700],
  [/typesense/, 8108],
  [/qdrant/, 6333],
  [/etcd/, 2379],
  [/nats/, 4222],
  [/kafka/, 9092],
  [/zookeeper/, 2181],
  [/mailpit|mailhog/, 1025],
  [/gotenberg/, 3000],
  [/tika/, 9998],
];

const envKeys: Record<string, Partial<Record<keyof ResourceInfo['known'], string[]>>> = {
  postgres: {
    username: ['POSTGRES_USER', 'POSTGRESQL_USERNAME'],
    password: ['POSTGRES_PASSWORD', 'POSTGRESQL_PASSWORD'],
    database: ['POSTGRES_DB', 'POSTGRESQL_DATABASE'],
  },
  redis: { password: ['REDIS_PASSWORD'] },
  s3: {
    accessKeyId: ['MINIO_ROOT_USER', 'MINIO_ACCESS_KEY'],
    secretKey: ['MINIO_ROOT_PASSWORD', 'MINIO_SECRET_KEY'],
  },
  amqp: {
    username: ['RABBITMQ_DEFAULT_USER'],
    password: ['RABBITMQ_DEFAULT_PASS'],
    vhost: ['RABBITMQ_DEFAULT_VHOST'],
  },
};

export const idOf = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 30)
    .replace(/-+$/, '') || 'app';

export function isResource(s: ComposeService): boolean {
  return classifyImage(s.image) !== 'app' && s.build === undefined;
}

export function buildResource(s: ComposeService, findings: Findings): ResourceInfo {
  const kind = classifyImage(s.image) as ResourceInfo['kind'];
  const id = idOf(s.name);
  const at = `services.${s.name}`;
  const env = new Map(s.environment);
  const known: ResourceInfo['known'] = {};
  for (const [part, names] of Object.entries(envKeys[kind] ?? {})) {
    const name = names?.find((n) => env.get(n) !== undefined);
    if (!name) continue;
    const raw = env.get(name) as string;
    const variable = soleVariable(raw)?.variable;
    known[part as keyof ResourceInfo['known']] = {
      literal: withDefaults(raw),
      ...(variable ? { variable } : {}),
    };
    env.delete(name);
  }
  const spec: ResourceSpec = { type: kind === 'service' ? 'service' : kind };
  if (kind === 'service') {
    const pinned = pinImage(s.image as string);
    spec.image = pinned.ref;
    if (pinned.note) findings.change(`${at}.image`, pinned.note);
  } else {
    const image = resourceImage(kind, s.image as string);
    Object.assign(spec, image.spec);
    if (image.note) findings.change(`${at}.image`, image.note);
  }
  const main = kind === 'service' ? (s.ports[0]?.target ?? guessPort(s.image as string)) : defaultPorts[kind];
  const info: ResourceInfo = {
    id,
    kind,
    service: s,
    spec,
    hosts: new Set([s.name, ...(s.hostname ? [s.hostname] : [])]),
    port: main ?? 0,
    published: s.ports.filter((p) => p.target === main && p.published).map((p) => p.published as number),
    known,
  };
  if (kind === 'postgres') {
    const db = known.database?.literal;
    const user = known.username?.literal;
    if (db && /^[a-z_][a-z0-9_]{0,62}$/.test(db)) spec.database = db;
    if (user && /^[a-z_][a-z0-9_]{0,62}$/.test(user)) spec.username = user;
  }
  if (kind === 'amqp') {
    const user = known.username?.literal;
    const vhost = known.vhost?.literal;
    if (user && /^[a-z_][a-z0-9_]{0,62}$/.test(user)) spec.username = user;
    if (vhost && /^[A-Za-z0-9_/-]+$/.test(vhost)) spec.vhost = vhost;
    else if (known.vhost)
      findings.change(
        `${at}.environment.RABBITMQ_DEFAULT_VHOST`,
        'has no value at import time; the broker uses vhost /',
      );
  }
  if (kind === 'redis' && s.command) redisCommand(info, findings);
  if (kind === 's3') minioBucket(info);
  if (kind !== 'service') {
    for (const [name] of env)
      findings.skip(
        `${at}.environment.${name}`,
        `the ${kind} resource is configured by each target's provisioner`,
      );
    for (const f of s.envFiles)
      findings.skip(`${at}.env_file`, `${f} is not read: the ${kind} resource is configured by each target`);
    if (s.command && kind !== 'redis')
      findings.skip(`${at}.command`, `the ${kind} resource runs its image's own command`);
    if (s.entrypoint)
      findings.skip(`${at}.entrypoint`, `the ${kind} resource runs its image's own entrypoint`);
    if (s.volumes.length > 0)
      findings.change(`${at}.volumes`, `the ${kind} resource keeps its data on a volume of its own`);
    if (s.healthcheck)
      findings.change(`${at}.healthcheck`, `each target gives the ${kind} resource its own health check`);
    if (s.ports.some((p) => p.published && !(kind === 's3' && p.target === main)))
      findings.change(`${at}.ports`, `the ${kind} resource is reachable by the app's services only`);
  }
  return info;
}

function guessPort(image: string): number | undefined {
  return servicePorts.find(([p]) => p.test(image))?.[1];
}

/** `--requirepass X` becomes the resource's generated password; other `--key value` flags its config. */
function redisCommand(info: ResourceInfo, findings: Findings): void {
  const words = [...(info.service.command ?? [])];
  if (/^(redis|valkey|keydb)-server$/.test(words[0] ?? '')) words.shift();
  const config: Record<string, string> = {};
  for (let i = 0; i < words.length; i++) {
    const flag = /^--([a-z-]+)$/.exec(words[i] as string)?.[1];
    if (!flag) {
      findings.skip(`services.${info.service.name}.command`, `"${words[i]}" is not a --key value setting`);
      continue;
    }
    const values: string[] = [];
    while (i + 1 < words.length && !(words[i + 1] as string).startsWith('--'))
      values.push(words[++i] as string);
    if (flag === 'requirepass') {
      const raw = values.join(' ');
      const variable = soleVariable(raw)?.variable;
      info.known.password = { literal: withDefaults(raw), ...(variable ? { variable } : {}) };
      findings.change(
        `services.${info.service.name}.command`,
        '--requirepass becomes the resource password each target generates',
      );
    } else config[flag] = withDefaults(values.join(' '));
  }
  if (Object.keys(config).length > 0) info.spec.config = config;
}

/** The bucket a MinIO command creates (`mkdir -p /data/<bucket>`), if any. */
function minioBucket(info: ResourceInfo): void {
  const script = (info.service.command ?? []).join(' ');
  const m = /mkdir -p \/data\/([a-z0-9][a-z0-9-]{1,61}[a-z0-9])\b/.exec(script);
  if (m) info.spec.bucket = m[1] as string;
}
