// Recognises what a compose service is from its image name: PostgreSQL, Redis (also Valkey and KeyDB), MinIO
// (S3) and RabbitMQ become typed resources, well-known infrastructure (ClickHouse, Memcached, MySQL, ...)
// becomes a generic `service` resource, anything else is one of the app's own workloads.
import type { ResourceSpec } from '../spec/types-v2.js';

export type ImageKind = 'postgres' | 'redis' | 's3' | 'amqp' | 'service' | 'app';

export interface ImageName {
  /** As written, minus a digest; `docker.io/` and `library/` kept. */
  repository: string;
  /** The repository without `docker.io/` and `library/`, e.g. `postgres`, `valkey/valkey`. */
  short: string;
  tag?: string;
  digest?: string;
}

/** The tag the importer writes for an image compose runs as `latest` or untagged; a spec pins every image. */
export const unpinnedTag = 'pin-a-version';

export function imageName(ref: string): ImageName {
  const [withTag = '', digest] = ref.split('@');
  const slash = withTag.lastIndexOf('/');
  const colon = withTag.lastIndexOf(':');
  const hasTag = colon > slash;
  const repository = (hasTag ? withTag.slice(0, colon) : withTag).toLowerCase();
  const short = repository
    .replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '')
    .replace(/^library\//, '');
  return {
    repository,
    short,
    ...(hasTag && withTag.slice(colon + 1) ? { tag: withTag.slice(colon + 1) } : {}),
    ...(digest ? { digest } : {}),
  };
}

const patterns: [ImageKind, RegExp][] = [
  [
    'postgres',
    /(^|\/)(postgres|postgresql|postgis|pgvector|pgvecto-rs|timescaledb(-ha)?|supabase-postgres)$/,
  ],
  ['redis', /(^|\/)(redis|redis-stack|redis-stack-server|valkey|keydb)$/],
  ['s3', /(^|\/)minio$/],
  ['amqp', /(^|\/)rabbitmq$/],
  [
    'service',
    /(^|\/)(clickhouse-server|clickhouse|memcached|mongo|mongodb|mysql|mariadb|elasticsearch|opensearch|meilisearch|typesense|qdrant|etcd|nats|kafka|zookeeper|mailpit|mailhog|gotenberg|tika|collabora\/code|onlyoffice\/documentserver)$/,
  ],
];

export function classifyImage(ref: string | undefined): ImageKind {
  if (!ref) return 'app';
  const { short } = imageName(ref);
  return patterns.find(([, p]) => p.test(short))?.[0] ?? 'app';
}

/** The official image each typed resource runs by default (its `version` key picks a tag of it). */
const defaultRepository: Partial<Record<ImageKind, string>> = {
  postgres: 'postgres',
  redis: 'redis',
  amqp: 'rabbitmq',
};

export interface PinnedImage {
  /** `repository:tag` the schema accepts. */
  ref: string;
  /** Why the reference differs from the compose file, for the report. */
  note?: string;
}

/** A `repository:tag` the spec accepts: a digest dropped, `latest` or no tag replaced by a marker to edit. */
export function pinImage(ref: string): PinnedImage {
  const n = imageName(ref);
  if (n.tag && n.tag !== 'latest') {
    return {
      ref: `${n.repository}:${n.tag}`,
      ...(n.digest ? { note: `the digest @${n.digest} was dropped (a spec names images by tag)` } : {}),
    };
  }
  return {
    ref: `${n.repository}:${unpinnedTag}`,
    note: `${ref} is ${n.tag ? '`latest`' : 'untagged'}; a spec pins a version: replace ${unpinnedTag} with the tag to deploy`,
  };
}

/** `image` or `version` of a typed resource, with a note when the compose image is not the default one. */
export function resourceImage(kind: ImageKind, ref: string): { spec: Partial<ResourceSpec>; note?: string } {
  const n = imageName(ref);
  if (kind === 's3') {
    return {
      spec: {},
      note: `${ref} is replaced by the generator's pinned MinIO image, which it configures itself`,
    };
  }
  const pinned = n.tag && n.tag !== 'latest';
  if (n.short === defaultRepository[kind]) {
    if (pinned) return { spec: { version: n.tag as string } };
    return {
      spec: {},
      note: `${ref} is not pinned; the resource runs the generator's default ${kind} image`,
    };
  }
  if (!pinned) {
    return {
      spec: {},
      note: `${ref} is not pinned; the resource runs the generator's default ${kind} image instead of ${n.short}`,
    };
  }
  return {
    spec: { image: `${n.repository}:${n.tag}` },
    note: `${n.short} is not the official ${kind} image: check that it reads the same settings and data path`,
  };
}
