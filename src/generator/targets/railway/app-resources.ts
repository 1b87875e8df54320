// Railway provisioners, one per resource type: a Railway database for PostgreSQL and stock Redis, a Storage
// Bucket for S3, an image service (with its one volume) for RabbitMQ, a configured Redis and any other
// service; and how each output reads as a `${{<name>.<VAR>}}` reference.

import type {
  AmqpResource,
  PostgresResource,
  RedisResource,
  Resource,
  S3Resource,
} from '../../model/resource.js';
import { composeUrl, defaultSchemes } from '../../model/url.js';
import { text, type Value } from '../../model/value.js';
import { imageString } from '../../model/workload.js';
import { amqpOutput } from '../shared/bundled-outputs.js';
import {
  missingOutput,
  type Provisioners,
  pickOutput,
  type ResourceRef,
  resolveResources,
} from '../shared/provisioner.js';
import { q, type RailCtx, type RailNode, renderRailway } from './app-values.js';
import { quoteCommand } from './shell.js';

const raw = (t: string): Value => [{ kind: 'raw', text: t }];
const ref = (r: Resource, variable: string): Value => raw(`\${{${r.id}.${variable}}}`);
const alnum = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const generated = (length: number) => `{ generator: ${q(`secret(${length}, "${alnum}")`)} }`;

function id(ctx: RailCtx, name: string): string {
  const found = ctx.ids.get(name);
  if (!found) throw new Error(`no identifier for ${name}`);
  return found;
}

/** An image service with env, an optional start command and its one volume. */
function imageService(
  ctx: RailCtx,
  r: Resource,
  image: string,
  env: [string, string][],
  mount?: string,
  start?: string,
): RailNode[] {
  const nodes: RailNode[] = [];
  if (mount) {
    nodes.push({ name: `${r.id}-data`, id: id(ctx, `${r.id}-data`), decl: `volume(${q(`${r.id}-data`)})` });
  }
  const lines = [
    `service(${q(r.id)}, {`,
    `    source: image(${q(image)}),`,
    ...(start ? [`    start: ${q(start)},`] : []),
    ...(mount ? [`    volumeMounts: { ${q(mount)}: ${id(ctx, `${r.id}-data`)} },`] : []),
    '    env: {',
    ...env.map(([k, v]) => `      ${k}: ${v},`),
    '    },',
    '  })',
  ];
  nodes.push({ name: r.id, id: id(ctx, r.id), decl: lines.join('\n') });
  return nodes;
}

const postgres = {
  provision(r: PostgresResource, ctx: RailCtx): RailNode[] {
    ctx.report.warn(
      `resources.${r.id}`,
      `Railway's Postgres service names its database "railway" and its user "postgres" (not ${r.database}/${r.username}); the app reads them from its variables`,
    );
    const decl = `database(${q(r.id)}, "postgres", { image: ${q(imageString(r.image))}, output: "DATABASE_URL", defaultMountPath: "/var/lib/postgresql/data" })`;
    return [{ name: r.id, id: id(ctx, r.id), decl }];
  },
  output(r: PostgresResource, u: ResourceRef): Value {
    const parts = {
      host: ref(r, 'PGHOST'),
      port: ref(r, 'PGPORT'),
      user: ref(r, 'PGUSER'),
      password: ref(r, 'PGPASSWORD'),
      db: ref(r, 'PGDATABASE'),
    };
    return pickOutput(
      {
        host: () => parts.host,
        port: () => parts.port,
        name: () => parts.db,
        database: () => parts.db,
        username: () => parts.user,
        password: () => parts.password,
        url: () =>
          u.url
            ? composeUrl(
                {
                  scheme: defaultSchemes.postgres,
                  username: parts.user,
                  password: parts.password,
                  host: parts.host,
                  port: parts.port,
                  path: parts.db,
                },
                u.url,
              )
            : ref(r, 'DATABASE_URL'),
      },
      u,
    );
  },
};

/** Stock Redis with no settings is Railway's own; settings or a module image need a configured service. */
const managedRedis = (r: RedisResource) =>
  r.config.length === 0 && r.configVia === 'command' && r.persistence;

const redis = {
  provision(r: RedisResource, ctx: RailCtx): RailNode[] {
    if (managedRedis(r)) {
      ctx.report.warn(
        `resources.${r.id}.image`,
        `Railway runs its own Redis (railwayapp/redis:8.2), not ${imageString(r.image)}`,
      );
      return [{ name: r.id, id: id(ctx, r.id), decl: `redis(${q(r.id)})` }];
    }
    const flags = [
      ...(r.persistence ? ['--appendonly', 'yes'] : []),
      ...r.config.flatMap(([k, v]) => [`--${k}`, v]),
    ];
    const env: [string, string][] = [['REDIS_PASSWORD', generated(32)]];
    if (r.configVia === 'env') {
      // Redis Stack's entrypoint loads its modules and reads REDIS_ARGS; a start command would bypass it.
      env.push(['REDIS_ARGS', q(['--requirepass', '${{REDIS_PASSWORD}}', ...flags].join(' '))]);
      return imageService(ctx, r, imageString(r.image), env, r.persistence ? '/data' : undefined);
    }
    const start = `/bin/sh -c ${quoteCommand([`exec redis-server --requirepass "$REDIS_PASSWORD" ${quoteCommand(flags)}`.trim()])}`;
    return imageService(ctx, r, imageString(r.image), env, r.persistence ? '/data' : undefined, start);
  },
  output(r: RedisResource, u: ResourceRef): Value {
    const managed = managedRedis(r);
    const host = ref(r, managed ? 'REDISHOST' : 'RAILWAY_PRIVATE_DOMAIN');
    const port = managed ? ref(r, 'REDISPORT') : text('6379');
    const password = ref(r, managed ? 'REDISPASSWORD' : 'REDIS_PASSWORD');
    return pickOutput(
      {
        host: () => host,
        port: () => port,
        username: () => text('default'),
        password: () => password,
        url: () =>
          managed && !u.url
            ? ref(r, 'REDIS_URL')
            : composeUrl(
                { scheme: defaultSchemes.redis, username: text('default'), password, host, port },
                u.url,
              ),
      },
      u,
    );
  },
};

const s3 = {
  provision(r: S3Resource, ctx: RailCtx): RailNode[] {
    ctx.report.warn(
      `resources.${r.id}`,
      `Railway gets a Storage Bucket named ${r.id} (its S3 name gets a suffix; HTTPS, virtual-hosted URLs, private objects with presigned URLs); ${imageString(r.image)} is not used`,
    );
    return [
      {
        name: r.id,
        id: id(ctx, r.id),
        decl: `bucket(${q(r.id)}, { region: ${q(ctx.app.railway.bucketRegion)} })`,
      },
    ];
  },
  output(r: S3Resource, u: ResourceRef): Value {
    return pickOutput(
      {
        endpoint: () => ref(r, 'ENDPOINT'),
        publicEndpoint: () => ref(r, 'ENDPOINT'),
        hostPort: () => text('storage.railway.app:443'),
        bucket: () => ref(r, 'BUCKET'),
        region: () => ref(r, 'REGION'),
        accessKeyId: () => ref(r, 'ACCESS_KEY_ID'),
        secretKey: () => ref(r, 'SECRET_ACCESS_KEY'),
      },
      u,
    );
  },
};

const amqp = {
  provision(r: AmqpResource, ctx: RailCtx): RailNode[] {
    return imageService(
      ctx,
      r,
      imageString(r.image),
      [
        ['RABBITMQ_DEFAULT_PASS', generated(32)],
        ['RABBITMQ_DEFAULT_USER', q(r.username)],
        ['RABBITMQ_DEFAULT_VHOST', q(r.vhost)],
        // RabbitMQ keeps its data under its node name; a fixed one survives new deployments' host names.
        ['RABBITMQ_NODENAME', q('rabbit@localhost')],
      ],
      '/var/lib/rabbitmq',
    );
  },
  output(r: AmqpResource, u: ResourceRef): Value {
    const password = ref(r, 'RABBITMQ_DEFAULT_PASS');
    return amqpOutput(r, u, { host: ref(r, 'RAILWAY_PRIVATE_DOMAIN'), password });
  },
};

export const railProvisioners: Provisioners<RailCtx, RailNode[]> = {
  postgres,
  redis,
  s3,
  amqp,
  volume: {
    provision: (r, ctx) => [{ name: r.id, id: id(ctx, r.id), decl: `volume(${q(r.id)})` }],
    output: (r, u) => (u.output === 'source' ? text(r.id) : missingOutput(u)),
  },
  // Generic services are written with the workloads (app.ts), which share their start and volume rules.
  service: {
    provision: () => [],
    output(r, u, ctx) {
      if (u.output === 'host') return ref(r, 'RAILWAY_PRIVATE_DOMAIN');
      if (u.output === 'port') return text(String(r.ports[0]?.port ?? 80));
      const declared = r.outputs[u.output];
      if (!declared) missingOutput(u);
      return resolveResources(ctx.app, declared, ctx.provisioners, ctx);
    },
  },
};

export { renderRailway };
