// CapRover provisioners, one per resource type: the one-click services that run a bundled resource (each
// its own CapRover app, not exposed as a web app unless browsers need it) and how its outputs read there.

import type {
  AmqpResource,
  PostgresResource,
  RedisResource,
  Resource,
  S3Resource,
} from '../../model/resource.js';
import { text, type Value } from '../../model/value.js';
import { amqpOutput, postgresOutput, redisOutput } from '../shared/bundled-outputs.js';
import { postgresDataPath } from '../shared/env.js';
import type { Provisioners, ResourceRef } from '../shared/provisioner.js';
import { missingOutput, pickOutput, resolveResources } from '../shared/provisioner.js';
import {
  type CapCtx,
  type CapService,
  credentialVariable,
  hostOf,
  serviceName,
  snake,
  tagRegex,
  volumeName,
} from './app-values.js';
import { serviceResource } from './app-workload.js';

const raw = (t: string): Value => [{ kind: 'raw', text: t }];
/** A fresh object each time: a shared one would be written as a YAML anchor and alias. */
const notExposed = () => ({ notExposeAsWebApp: 'true' });

/** `repository:$$cap_<id>_version`, so an operator can pick another tag at install time. */
function image(r: Resource & { image: { repository: string; tag: string } }, ctx: CapCtx, label: string) {
  const version = ctx.vars.use({
    id: `$$cap_${snake(r.id)}_version`,
    label: `${label} version (${r.id})`,
    defaultValue: r.image.tag,
    validRegex: tagRegex,
    description: `Tag of the image \`${r.image.repository}\`.`,
  });
  return `${r.image.repository}:${version}`;
}

function credential(r: Resource, ctx: CapCtx, what: string, label: string, length: number): string {
  return ctx.vars.use(credentialVariable(`$$cap_${snake(r.id)}_${what}`, `${label} (${r.id})`, length));
}

/** The data volume of a bundled resource, named after it so two installs never share one. */
function volume(r: Resource, path: string): string {
  return `${volumeName(r.id)}-data:${path}`;
}

const postgres = {
  provision(r: PostgresResource, ctx: CapCtx): Record<string, CapService> {
    return {
      [serviceName(ctx.app, r.id)]: {
        image: image(r, ctx, 'PostgreSQL'),
        environment: {
          POSTGRES_DB: r.database,
          POSTGRES_PASSWORD: credential(r, ctx, 'password', 'PostgreSQL password', 32),
          POSTGRES_USER: r.username,
        },
        volumes: [volume(r, postgresDataPath(r.image.tag))],
        caproverExtra: notExposed(),
      },
    };
  },
  output(r: PostgresResource, ref: ResourceRef, ctx: CapCtx): Value {
    const password = raw(credential(r, ctx, 'password', 'PostgreSQL password', 32));
    return postgresOutput(r, ref, { host: raw(hostOf(ctx.app, r.id)), password });
  },
};

/** Settings as redis-server flags; the password first so a config cannot override it. */
function redisFlags(r: RedisResource, password: string): string[] {
  const settings: [string, string][] = [
    ...(r.persistence ? ([['appendonly', 'yes']] as [string, string][]) : []),
    ['requirepass', password],
    ...r.config,
  ];
  return settings.flatMap(([k, v]) => [`--${k}`, v]);
}

const redis = {
  provision(r: RedisResource, ctx: CapCtx): Record<string, CapService> {
    const flags = redisFlags(r, credential(r, ctx, 'password', 'Redis password', 32));
    return {
      [serviceName(ctx.app, r.id)]: {
        image: image(r, ctx, 'Redis'),
        // `command` replaces the entrypoint: stock Redis starts with the binary; Redis Stack's entrypoint
        // loads its modules, so its settings go through REDIS_ARGS instead.
        ...(r.configVia === 'command' ? { command: ['redis-server', ...flags] } : {}),
        ...(r.configVia === 'env' ? { environment: { REDIS_ARGS: flags.join(' ') } } : {}),
        ...(r.persistence ? { volumes: [volume(r, '/data')] } : {}),
        caproverExtra: notExposed(),
      },
    };
  },
  output(r: RedisResource, ref: ResourceRef, ctx: CapCtx): Value {
    const password = raw(credential(r, ctx, 'password', 'Redis password', 32));
    return redisOutput(r, ref, { host: raw(hostOf(ctx.app, r.id)), password });
  },
};

const s3 = {
  provision(r: S3Resource, ctx: CapCtx): Record<string, CapService> {
    return {
      [serviceName(ctx.app, r.id)]: {
        image: image(r, ctx, 'MinIO'),
        // A top-level folder of the data directory is a bucket, so creating it creates the bucket.
        command: [
          '/bin/sh',
          '-c',
          `mkdir -p '/data/${r.bucket}' && exec minio server /data --console-address :9001`,
        ],
        environment: {
          MINIO_ROOT_PASSWORD: credential(r, ctx, 'secret_key', 'MinIO secret key', 40),
          MINIO_ROOT_USER: credential(r, ctx, 'access_key', 'MinIO access key', 20),
          MINIO_SITE_REGION: r.region,
        },
        volumes: [volume(r, '/data')],
        // Browsers reach a public bucket (presigned URLs) through CapRover's HTTPS proxy.
        caproverExtra: r.public ? { containerHttpPort: '9000' } : notExposed(),
      },
    };
  },
  output(r: S3Resource, ref: ResourceRef, ctx: CapCtx): Value {
    const host = hostOf(ctx.app, r.id);
    return pickOutput(
      {
        endpoint: () => raw(`http://${host}:9000`),
        hostPort: () => raw(`${host}:9000`),
        bucket: () => text(r.bucket),
        region: () => text(r.region),
        accessKeyId: () => raw(credential(r, ctx, 'access_key', 'MinIO access key', 20)),
        secretKey: () => raw(credential(r, ctx, 'secret_key', 'MinIO secret key', 40)),
        publicEndpoint: () => {
          if (!r.public) {
            ctx.report.fail(
              `resources.${r.id}.publicEndpoint`,
              'the app reads the public endpoint of a bucket browsers cannot reach',
              `set resources.${r.id}.public: true`,
            );
          }
          return raw(`https://${serviceName(ctx.app, r.id)}.$$cap_root_domain`);
        },
      },
      ref,
    );
  },
};

const amqp = {
  provision(r: AmqpResource, ctx: CapCtx): Record<string, CapService> {
    const name = serviceName(ctx.app, r.id);
    return {
      [name]: {
        image: image(r, ctx, 'RabbitMQ'),
        environment: {
          RABBITMQ_DEFAULT_PASS: credential(r, ctx, 'password', 'RabbitMQ password', 32),
          RABBITMQ_DEFAULT_USER: r.username,
          RABBITMQ_DEFAULT_VHOST: r.vhost,
        },
        // RabbitMQ keeps its data under its node name, which follows the host name: keep it fixed.
        hostname: name,
        volumes: [volume(r, '/var/lib/rabbitmq')],
        caproverExtra: notExposed(),
      },
    };
  },
  output(r: AmqpResource, ref: ResourceRef, ctx: CapCtx): Value {
    const password = raw(credential(r, ctx, 'password', 'RabbitMQ password', 32));
    return amqpOutput(r, ref, { host: raw(hostOf(ctx.app, r.id)), password });
  },
};

export const capProvisioners: Provisioners<CapCtx, Record<string, CapService>> = {
  postgres,
  redis,
  s3,
  amqp,
  volume: {
    provision: () => ({}),
    output: (r, ref) => (ref.output === 'source' ? raw(volumeName(r.id)) : missingOutput(ref)),
  },
  service: {
    provision: (r, ctx) => ({ [serviceName(ctx.app, r.id)]: serviceResource(r, ctx) }),
    output(r, ref, ctx) {
      if (ref.output === 'host') return raw(hostOf(ctx.app, r.id));
      if (ref.output === 'port') return text(String(r.ports[0]?.port ?? 80));
      const declared = r.outputs[ref.output];
      if (!declared) missingOutput(ref);
      return resolveResources(ctx.app, declared, ctx.provisioners, ctx);
    },
  },
};
