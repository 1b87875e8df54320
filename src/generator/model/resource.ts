// Resources of the v2 model: typed dependencies (postgres, redis, s3, amqp, volume, generic service), several
// per type, each bundled (the target runs it) or external (the installer gives its settings). Output names
// follow Score: `${resources.<id>.<output>}`.
import type { Value } from './value.js';
import type { EnvVar, ImageRef, Port, Probe, VolumeMount } from './workload.js';

export type ResourceType = 'postgres' | 'redis' | 's3' | 'amqp' | 'volume' | 'service';

/** Outputs an app may reference, per type (`service` outputs are `host`, `port` plus its declared ones). */
export const resourceOutputs = {
  postgres: ['host', 'port', 'name', 'database', 'username', 'password', 'url'],
  redis: ['host', 'port', 'username', 'password', 'url'],
  s3: ['endpoint', 'publicEndpoint', 'bucket', 'region', 'accessKeyId', 'secretKey', 'hostPort'],
  amqp: ['host', 'port', 'vhost', 'username', 'password', 'url'],
  volume: ['source'],
  service: ['host', 'port'],
} as const satisfies Record<ResourceType, readonly string[]>;

/** Other names accepted for an output (Score implementations' names), mapped to ours when normalizing. */
export const outputAliases: Partial<Record<ResourceType, Record<string, string>>> = {
  postgres: { uri: 'url', user: 'username' },
  redis: { uri: 'url' },
  s3: {
    access_key_id: 'accessKeyId',
    aws_access_key_id: 'accessKeyId',
    accessKey: 'accessKeyId',
    secret_key: 'secretKey',
    aws_secret_key: 'secretKey',
    public_endpoint: 'publicEndpoint',
  },
  amqp: { uri: 'url', user: 'username' },
};

/** The outputs whose value is a URL, which a reference may reshape with a UrlForm. */
export const urlOutputs: Partial<Record<ResourceType, readonly string[]>> = {
  postgres: ['url'],
  redis: ['url'],
  amqp: ['url'],
};

/**
 * External: the installer gives the resource's settings at install time. Each output reads from an input
 * (created by normalize, named `<ID>_<OUTPUT>`), and `url` is composed from the parts unless the installer
 * gives the whole URL (`wholeUrl`), in which case only `url` may be referenced.
 */
export interface External {
  /** Output name -> input id. */
  inputs: Record<string, string>;
  wholeUrl: boolean;
}

interface ResourceBase {
  /** Lower-case id, unique in the app; the service name of a bundled resource on compose-like targets. */
  id: string;
  /** Set when the installer provides the resource; bundled otherwise. */
  external?: External;
}

export interface PostgresResource extends ResourceBase {
  type: 'postgres';
  image: ImageRef;
  database: string;
  username: string;
}

export interface RedisResource extends ResourceBase {
  type: 'redis';
  image: ImageRef;
  /** Settings as redis.conf directives (e.g. `maxmemory-policy noeviction`), sorted by key. */
  config: [string, string][];
  /**
   * How the image takes settings: `command` (stock redis: `redis-server --key value`) or `REDIS_ARGS` env
   * (Redis Stack, whose entrypoint loads its modules; a command override would bypass it).
   */
  configVia: 'command' | 'env';
  persistence: boolean;
}

export interface S3Resource extends ResourceBase {
  type: 's3';
  image: ImageRef;
  bucket: string;
  region: string;
  /** Browsers reach the bucket (presigned URLs): the target must publish the S3 API. */
  public: boolean;
}

export interface AmqpResource extends ResourceBase {
  type: 'amqp';
  image: ImageRef;
  vhost: string;
  username: string;
}

/** A named volume, mounted by workloads through VolumeMount. Never external. */
export interface VolumeResource extends ResourceBase {
  type: 'volume';
}

/** Any other image the app needs (ClickHouse, Meilisearch, a second Redis with its own settings). */
export interface ServiceResource extends ResourceBase {
  type: 'service';
  image: ImageRef;
  command?: Value[];
  args?: Value[];
  env: EnvVar[];
  ports: Port[];
  volumes: VolumeMount[];
  liveness?: Probe;
  /** Extra outputs the service declares (name -> value), beside `host` and `port` (its first port). */
  outputs: Record<string, Value>;
}

export type Resource =
  | PostgresResource
  | RedisResource
  | S3Resource
  | AmqpResource
  | VolumeResource
  | ServiceResource;

export type ResourceOf<T extends ResourceType> = Extract<Resource, { type: T }>;

/** Resources the target runs itself. */
export function bundled(resources: readonly Resource[]): Resource[] {
  return resources.filter((r) => r.external === undefined);
}
