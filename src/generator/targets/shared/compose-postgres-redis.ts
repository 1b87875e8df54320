// Compose provisioners for PostgreSQL and Redis: the service with its data volume and health check, and how
// each output reads (the service name as host, the password from `.env`).

import type { PostgresResource, RedisResource } from '../../model/resource.js';
import { text, type Value } from '../../model/value.js';
import { imageString } from '../../model/workload.js';
import { postgresOutput, redisOutput } from './bundled-outputs.js';
import { resourceProbe as probe, unit } from './compose-resource-unit.js';
import { healthcheck } from './compose-service.js';
import { type ComposeCtx, type ComposeUnit, credential, renderCompose } from './compose-values.js';
import type { ResourceRef } from './provisioner.js';

/** Postgres 18 images keep data under /var/lib/postgresql (a versioned subfolder); older ones in /data. */
function postgresData(tag: string): string {
  const major = Number.parseInt(tag, 10);
  return Number.isFinite(major) && major >= 18 ? '/var/lib/postgresql' : '/var/lib/postgresql/data';
}

export const postgres = {
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
    return postgresOutput(r, ref, { host: text(r.id), password: credential(ctx, r.id, 'PASSWORD', 32) });
  },
};

function redisSettings(r: RedisResource, password: string): string[] {
  const settings: [string, string][] = [['requirepass', password], ...r.config];
  if (r.persistence) settings.unshift(['appendonly', 'yes']);
  return settings.flatMap(([k, v]) => [`--${k}`, v]);
}

export const redis = {
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
    return redisOutput(r, ref, { host: text(r.id), password: credential(ctx, r.id, 'PASSWORD', 32) });
  },
};
