// The outputs of a bundled PostgreSQL, Redis or RabbitMQ, the same on every target that runs one: only where the
// service is reached (its host) and how its password is written differ, and the target passes those in.
import type { AmqpResource, PostgresResource, RedisResource } from '../../model/resource.js';
import { composeUrl, defaultSchemes } from '../../model/url.js';
import { text, type Value } from '../../model/value.js';
import { pickOutput, type ResourceRef } from './provisioner.js';

export interface ReachedAt {
  host: Value;
  password: Value;
}

export function postgresOutput(r: PostgresResource, ref: ResourceRef, { host, password }: ReachedAt): Value {
  return pickOutput(
    {
      host: () => host,
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
            host,
            port: text('5432'),
            path: text(r.database),
          },
          ref.url,
        ),
    },
    ref,
  );
}

export function redisOutput(_r: RedisResource, ref: ResourceRef, { host, password }: ReachedAt): Value {
  return pickOutput(
    {
      host: () => host,
      port: () => text('6379'),
      username: () => text('default'),
      password: () => password,
      url: () => composeUrl({ scheme: defaultSchemes.redis, password, host, port: text('6379') }, ref.url),
    },
    ref,
  );
}

export function amqpOutput(r: AmqpResource, ref: ResourceRef, { host, password }: ReachedAt): Value {
  return pickOutput(
    {
      host: () => host,
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
            host,
            port: text('5672'),
            path: text(encodeURIComponent(r.vhost)),
          },
          ref.url,
        ),
    },
    ref,
  );
}
