// Coolify provisioners, one per resource type: the services that run a bundled resource with its health
// check (Coolify routes and reports by it), credentials as magic variables, and how each output reads.

import type { AmqpResource, PostgresResource, RedisResource, S3Resource } from '../../model/resource.js';
import { text, type Value } from '../../model/value.js';
import { imageString } from '../../model/workload.js';
import { amqpOutput, postgresOutput, redisOutput } from '../shared/bundled-outputs.js';
import { healthcheck } from '../shared/compose-probe.js';
import { postgresDataPath } from '../shared/env.js';
import {
  missingOutput,
  type Provisioners,
  pickOutput,
  type ResourceRef,
  resolveResources,
} from '../shared/provisioner.js';
import { urlName } from './app-magic.js';
import { type CoolCtx, type CoolUnit, envList } from './app-values.js';
import { genericService } from './app-workload.js';

const probe = { interval: 5, timeout: 5, retries: 10, startPeriod: 0 };
const raw = (t: string): Value => [{ kind: 'raw', text: t }];

/** Docker Hub's and Coolify's MinIO builds, which Coolify routes through MINIO_SERVER_URL. */
const minioImages = /^(quay\.io\/minio\/minio|minio\/minio|ghcr\.io\/coollabsio\/minio|coollabsio\/minio)$/;

const postgres = {
  provision(r: PostgresResource, ctx: CoolCtx): CoolUnit {
    const env: [string, string][] = [
      ['POSTGRES_DB', r.database],
      ['POSTGRES_PASSWORD', ctx.magic.credential(r.id, 'PASSWORD')],
      ['POSTGRES_USER', r.username],
    ];
    return {
      services: {
        [r.id]: {
          image: imageString(r.image),
          environment: envList(env),
          volumes: [`${r.id}-data:${postgresDataPath(r.image.tag)}`],
          healthcheck: healthcheck(
            ['CMD-SHELL', 'pg_isready -U $${POSTGRES_USER} -d $${POSTGRES_DB}'],
            probe,
          ),
        },
      },
      volumes: [`${r.id}-data`],
    };
  },
  output(r: PostgresResource, ref: ResourceRef, ctx: CoolCtx): Value {
    return postgresOutput(r, ref, {
      host: text(r.id),
      password: raw(ctx.magic.credential(r.id, 'PASSWORD')),
    });
  },
};

const redis = {
  provision(r: RedisResource, ctx: CoolCtx): CoolUnit {
    const password = ctx.magic.credential(r.id, 'PASSWORD');
    const settings: [string, string][] = [
      ...(r.persistence ? ([['appendonly', 'yes']] as [string, string][]) : []),
      ['requirepass', password],
      ...r.config,
    ];
    const flags = settings.flatMap(([k, v]) => [`--${k}`, v]);
    return {
      services: {
        [r.id]: {
          image: imageString(r.image),
          // Redis Stack's entrypoint loads its modules and reads REDIS_ARGS; a command would bypass it.
          ...(r.configVia === 'command' ? { command: ['redis-server', ...flags] } : {}),
          // REDIS_PASSWORD also makes Coolify generate the password, which the command only reads.
          environment: envList([
            ['REDIS_PASSWORD', password],
            ...(r.configVia === 'env' ? ([['REDIS_ARGS', flags.join(' ')]] as [string, string][]) : []),
          ]),
          ...(r.persistence ? { volumes: [`${r.id}-data:/data`] } : {}),
          healthcheck: healthcheck(
            ['CMD-SHELL', 'redis-cli -a "$${REDIS_PASSWORD}" --no-auth-warning ping | grep -q PONG'],
            probe,
          ),
        },
      },
      volumes: r.persistence ? [`${r.id}-data`] : [],
    };
  },
  output(r: RedisResource, ref: ResourceRef, ctx: CoolCtx): Value {
    return redisOutput(r, ref, { host: text(r.id), password: raw(ctx.magic.credential(r.id, 'PASSWORD')) });
  },
};

/** The public S3 URL: Coolify fills MINIO_SERVER_URL for its MinIO images in templates, else a domain. */
function s3Public(r: S3Resource, ctx: CoolCtx): { env: string[]; url: string } {
  if (!ctx.git && minioImages.test(r.image.repository)) {
    return {
      env: [
        'MINIO_BROWSER_REDIRECT_URL=${MINIO_BROWSER_REDIRECT_URL}',
        'MINIO_SERVER_URL=${MINIO_SERVER_URL}',
      ],
      url: '${MINIO_SERVER_URL}',
    };
  }
  return { env: [`SERVICE_URL_${urlName(r.id)}_9000`], url: `\${SERVICE_URL_${urlName(r.id)}}` };
}

const s3 = {
  provision(r: S3Resource, ctx: CoolCtx): CoolUnit {
    const root: [string, string][] = [
      ['MINIO_ROOT_PASSWORD', ctx.magic.credential(r.id, 'PASSWORD')],
      ['MINIO_ROOT_USER', ctx.magic.credential(r.id, 'USER')],
    ];
    const job = ctx.initJobs.get(r.id) ?? `${r.id}-init`;
    return {
      services: {
        [r.id]: {
          image: imageString(r.image),
          command: ['server', '/data', '--console-address', ':9001'],
          environment: envList(
            [...root, ['MINIO_SITE_REGION', r.region]],
            r.public ? s3Public(r, ctx).env : [],
          ),
          volumes: [`${r.id}-data:/data`],
          healthcheck: healthcheck(['CMD', 'mc', 'ready', 'local'], probe),
        },
        // One-shot: `restart: "no"` also keeps it out of Coolify's health status.
        [job]: {
          image: imageString(r.image),
          entrypoint: [
            '/bin/sh',
            '-ec',
            `mc alias set local http://${r.id}:9000 "$\${MINIO_ROOT_USER}" "$\${MINIO_ROOT_PASSWORD}" && mc mb --ignore-existing "local/$\${BUCKET}"`,
          ],
          environment: envList([['BUCKET', r.bucket], ...root]),
          depends_on: { [r.id]: { condition: 'service_healthy' } },
          restart: 'no',
        },
      },
      volumes: [`${r.id}-data`],
    };
  },
  output(r: S3Resource, ref: ResourceRef, ctx: CoolCtx): Value {
    return pickOutput(
      {
        endpoint: () => text(`http://${r.id}:9000`),
        hostPort: () => text(`${r.id}:9000`),
        bucket: () => text(r.bucket),
        region: () => text(r.region),
        accessKeyId: () => raw(ctx.magic.credential(r.id, 'USER')),
        secretKey: () => raw(ctx.magic.credential(r.id, 'PASSWORD')),
        publicEndpoint: () => {
          if (!r.public) {
            ctx.report.fail(
              `resources.${r.id}.publicEndpoint`,
              'the app reads the public endpoint of a bucket browsers cannot reach',
              `set resources.${r.id}.public: true`,
            );
          }
          return raw(s3Public(r, ctx).url);
        },
      },
      ref,
    );
  },
};

const amqp = {
  provision(r: AmqpResource, ctx: CoolCtx): CoolUnit {
    return {
      services: {
        [r.id]: {
          image: imageString(r.image),
          environment: envList([
            ['RABBITMQ_DEFAULT_PASS', ctx.magic.credential(r.id, 'PASSWORD')],
            ['RABBITMQ_DEFAULT_USER', r.username],
            ['RABBITMQ_DEFAULT_VHOST', r.vhost.replace(/\$/g, '$$$$')],
          ]),
          // RabbitMQ keeps its data under its node name, which follows the host name: keep it fixed.
          hostname: r.id,
          volumes: [`${r.id}-data:/var/lib/rabbitmq`],
          healthcheck: healthcheck(['CMD', 'rabbitmq-diagnostics', '-q', 'ping'], {
            ...probe,
            interval: 10,
            startPeriod: 20,
          }),
        },
      },
      volumes: [`${r.id}-data`],
    };
  },
  output(r: AmqpResource, ref: ResourceRef, ctx: CoolCtx): Value {
    return amqpOutput(r, ref, { host: text(r.id), password: raw(ctx.magic.credential(r.id, 'PASSWORD')) });
  },
};

export const coolProvisioners: Provisioners<CoolCtx, CoolUnit> = {
  postgres,
  redis,
  s3,
  amqp,
  volume: {
    provision: (r) => ({ services: {}, volumes: [r.id] }),
    output: (r, ref) => (ref.output === 'source' ? text(r.id) : missingOutput(ref)),
  },
  service: {
    provision: (r, ctx) => genericService(r, ctx),
    output(r, ref, ctx) {
      if (ref.output === 'host') return text(r.id);
      if (ref.output === 'port') return text(String(r.ports[0]?.port ?? 80));
      const declared = r.outputs[ref.output];
      if (!declared) missingOutput(ref);
      return resolveResources(ctx.app, declared, ctx.provisioners, ctx);
    },
  },
};
