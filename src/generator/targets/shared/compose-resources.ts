// Compose and Swarm provisioners, one per resource type: the service that runs the resource (with its data
// volume and health check) and how each output reads (service host names, credentials from `.env`).
import type { AmqpResource, PostgresResource, RedisResource, S3Resource } from '../../model/resource.js';
import { composeUrl, defaultSchemes } from '../../model/url.js';
import { text, type Value } from '../../model/value.js';
import { imageString } from '../../model/workload.js';
import { healthcheck, serviceTail } from './compose-service.js';
import { serviceResource } from './compose-service-resource.js';
import {
  type ComposeCtx,
  type ComposeUnit,
  credential,
  escapeDollars,
  renderCompose,
  type Service,
  upper,
} from './compose-values.js';
import { type Provisioners, type ResourceRef, resolveResources } from './provisioner.js';

const probe = { interval: 5, timeout: 5, retries: 10, startPeriod: 0 };
const raw = (t: string): Value => [{ kind: 'raw', text: t }];

/** Postgres 18 images keep data under /var/lib/postgresql (a versioned subfolder); older ones in /data. */
function postgresData(tag: string): string {
  const major = Number.parseInt(tag, 10);
  return Number.isFinite(major) && major >= 18 ? '/var/lib/postgresql' : '/var/lib/postgresql/data';
}

function unit(ctx: ComposeCtx, id: string, service: Service, volumes: string[] = []): ComposeUnit {
  return { services: { [id]: { ...service, ...serviceTail(ctx, 'resource', 1) } }, volumes };
}

function missing(ref: ResourceRef): never {
  throw new Error(`no output ${ref.output} on ${ref.resource}`);
}

const postgres = {
  provision(r: PostgresResource, ctx: ComposeCtx): ComposeUnit {
    return unit(
      ctx,
      r.id,
      {
        image: imageString(r.image),
        environment: {
          POSTGRES_DB: r.database,
          POSTGRES_PASSWORD: renderCompose(credential(ctx, r.id, 'PASSWORD', 32), ctx),
          POSTGRES_USER: r.username,
        },
        volumes: [`${r.id}-data:${postgresData(r.image.tag)}`],
        healthcheck: healthcheck(['CMD-SHELL', 'pg_isready -U $${POSTGRES_USER} -d $${POSTGRES_DB}'], probe),
      },
      [`${r.id}-data`],
    );
  },
  output(r: PostgresResource, ref: ResourceRef, ctx: ComposeCtx): Value {
    const password = credential(ctx, r.id, 'PASSWORD', 32);
    const values: Record<string, () => Value> = {
      host: () => text(r.id),
      port: () => text('5432'),
      name: () => text(r.database),
      database: () => text(r.database),
      username: () => text(r.username),
      password: () => password,
      url: () =>
        composeUrl(
          {
            scheme: defaultSchemes.postgres,
            username: text(r.username),
            password,
            host: text(r.id),
            port: text('5432'),
            path: text(r.database),
          },
          ref.url,
        ),
    };
    return (values[ref.output] ?? (() => missing(ref)))();
  },
};

function redisSettings(r: RedisResource, password: string): string[] {
  const settings: [string, string][] = [['requirepass', password], ...r.config];
  if (r.persistence) settings.unshift(['appendonly', 'yes']);
  return settings.flatMap(([k, v]) => [`--${k}`, v]);
}

const redis = {
  provision(r: RedisResource, ctx: ComposeCtx): ComposeUnit {
    const password = renderCompose(credential(ctx, r.id, 'PASSWORD', 32), ctx);
    const settings = redisSettings(r, password);
    return unit(
      ctx,
      r.id,
      {
        image: imageString(r.image),
        // Redis Stack's entrypoint loads its modules and reads REDIS_ARGS; a command would bypass it.
        ...(r.configVia === 'command' ? { command: ['redis-server', ...settings] } : {}),
        environment: {
          ...(r.configVia === 'env' ? { REDIS_ARGS: settings.join(' ') } : {}),
          REDIS_PASSWORD: password,
        },
        ...(r.persistence ? { volumes: [`${r.id}-data:/data`] } : {}),
        healthcheck: healthcheck(
          ['CMD-SHELL', 'redis-cli -a "$${REDIS_PASSWORD}" --no-auth-warning ping | grep -q PONG'],
          probe,
        ),
      },
      r.persistence ? [`${r.id}-data`] : [],
    );
  },
  output(r: RedisResource, ref: ResourceRef, ctx: ComposeCtx): Value {
    const password = credential(ctx, r.id, 'PASSWORD', 32);
    const values: Record<string, () => Value> = {
      host: () => text(r.id),
      port: () => text('6379'),
      username: () => text('default'),
      password: () => password,
      url: () =>
        composeUrl({ scheme: defaultSchemes.redis, password, host: text(r.id), port: text('6379') }, ref.url),
    };
    return (values[ref.output] ?? (() => missing(ref)))();
  },
};

const amqp = {
  provision(r: AmqpResource, ctx: ComposeCtx): ComposeUnit {
    return unit(
      ctx,
      r.id,
      {
        image: imageString(r.image),
        environment: {
          RABBITMQ_DEFAULT_PASS: renderCompose(credential(ctx, r.id, 'PASSWORD', 32), ctx),
          RABBITMQ_DEFAULT_USER: r.username,
          RABBITMQ_DEFAULT_VHOST: escapeDollars(r.vhost),
        },
        hostname: r.id,
        volumes: [`${r.id}-data:/var/lib/rabbitmq`],
        healthcheck: healthcheck(['CMD', 'rabbitmq-diagnostics', '-q', 'ping'], {
          ...probe,
          interval: 10,
          startPeriod: 20,
        }),
      },
      [`${r.id}-data`],
    );
  },
  output(r: AmqpResource, ref: ResourceRef, ctx: ComposeCtx): Value {
    const password = credential(ctx, r.id, 'PASSWORD', 32);
    const values: Record<string, () => Value> = {
      host: () => text(r.id),
      port: () => text('5672'),
      vhost: () => text(r.vhost),
      username: () => text(r.username),
      password: () => password,
      url: () =>
        composeUrl(
          {
            scheme: defaultSchemes.amqp,
            username: text(r.username),
            password,
            host: text(r.id),
            port: text('5672'),
            path: text(encodeURIComponent(r.vhost)),
          },
          ref.url,
        ),
    };
    return (values[ref.output] ?? (() => missing(ref)))();
  },
};

export const s3PublicVar = (r: S3Resource) => `${upper(r.id)}_PUBLIC_ENDPOINT`;

const s3 = {
  provision(r: S3Resource, ctx: ComposeCtx): ComposeUnit {
    const user = renderCompose(credential(ctx, r.id, 'ACCESS_KEY', 20), ctx);
    const password = renderCompose(credential(ctx, r.id, 'SECRET_KEY', 40), ctx);
    const root = { MINIO_ROOT_PASSWORD: password, MINIO_ROOT_USER: user };
    const init = ctx.initJobs.get(r.id) ?? `${r.id}-init`;
    const main = unit(
      ctx,
      r.id,
      {
        image: imageString(r.image),
        command: ['server', '/data', '--console-address', ':9001'],
        environment: { ...root, MINIO_SITE_REGION: r.region },
        volumes: [`${r.id}-data:/data`],
        ...(r.public
          ? {
              ports: [
                ctx.publish(`resource ${r.id}`, {
                  name: 's3',
                  port: 9000,
                  protocol: 'tcp',
                  http: true,
                  public: true,
                }),
              ],
            }
          : {}),
        healthcheck: healthcheck(['CMD', 'mc', 'ready', 'local'], probe),
      },
      [`${r.id}-data`],
    );
    const job: Service = {
      image: imageString(r.image),
      entrypoint: [
        '/bin/sh',
        '-ec',
        `mc alias set local http://${r.id}:9000 "$\${MINIO_ROOT_USER}" "$\${MINIO_ROOT_PASSWORD}" && mc mb --ignore-existing "local/$\${BUCKET}"`,
      ],
      environment: { BUCKET: r.bucket, ...root },
      ...(ctx.flavor === 'compose' ? { depends_on: { [r.id]: { condition: 'service_healthy' } } } : {}),
      ...serviceTail(ctx, 'job', 1),
    };
    return { services: { ...main.services, [init]: job }, volumes: main.volumes };
  },
  output(r: S3Resource, ref: ResourceRef, ctx: ComposeCtx): Value {
    const values: Record<string, () => Value> = {
      endpoint: () => text(`http://${r.id}:9000`),
      hostPort: () => text(`${r.id}:9000`),
      bucket: () => text(r.bucket),
      region: () => text(r.region),
      accessKeyId: () => credential(ctx, r.id, 'ACCESS_KEY', 20),
      secretKey: () => credential(ctx, r.id, 'SECRET_KEY', 40),
      publicEndpoint: () => {
        if (!r.public) {
          ctx.report.fail(
            `resources.${r.id}.publicEndpoint`,
            'the app reads the public endpoint of a bucket browsers cannot reach',
            `set resources.${r.id}.public: true`,
          );
        }
        return raw(
          ctx.vars.use({
            name: s3PublicVar(r),
            owner: `resource ${r.id}`,
            fill: {
              example: 'http://localhost:9000',
              comment: `URL at which browsers reach the S3 API of ${r.id}`,
            },
          }),
        );
      },
    };
    return (values[ref.output] ?? (() => missing(ref)))();
  },
};

export const composeProvisioners: Provisioners<ComposeCtx, ComposeUnit> = {
  postgres,
  redis,
  s3,
  amqp,
  volume: {
    provision: (r) => ({ services: {}, volumes: [r.id] }),
    output: (r, ref) => (ref.output === 'source' ? text(r.id) : missing(ref)),
  },
  service: {
    provision: (r, ctx) => serviceResource(r, ctx),
    output(r, ref, ctx) {
      if (ref.output === 'host') return text(r.id);
      if (ref.output === 'port') return text(String(r.ports[0]?.port ?? 80));
      const declared = r.outputs[ref.output];
      if (!declared) missing(ref);
      return resolveResources(ctx.app, declared, ctx.provisioners, ctx);
    },
  },
};
