// How v2 values read in a Render Blueprint. Render sets a variable from a database (`fromDatabase`), another
// service (`fromService`), a generated value (`generateValue`) or a prompt at Blueprint creation (`sync: false`)
// only as a whole value: a value that composes one with other text cannot be written, which is an error.
import type { App } from '../../model/app.js';
import type { Resource } from '../../model/resource.js';
import { literalOf, type Value, type ValuePart } from '../../model/value.js';
import type { Report } from '../shared/report.js';

export type ServiceType = 'web' | 'worker' | 'pserv' | 'keyvalue';

export type EnvVar =
  | { fromGroup: string }
  | { key: string; value: string }
  | { key: string; generateValue: true }
  | { key: string; sync: false }
  | { key: string; fromDatabase: { name: string; property: string } }
  | {
      key: string;
      fromService: { type: ServiceType; name: string; property?: string; envVarKey?: string };
    };

export interface RenderCtx {
  app: App;
  report: Report;
  /** Render name of each workload and resource (`<app>-<id>`; the main web service is the app's name). */
  names: Map<string, string>;
  types: Map<string, ServiceType>;
  /** `secret:ID`, `input:ID`, `app:url`, `s3:<id>:<output>` -> the service that holds it and its key there. */
  holders: Map<string, { service: string; key: string }>;
}

const dbProperties: Record<string, string> = {
  host: 'host',
  port: 'port',
  name: 'database',
  database: 'database',
  username: 'user',
  password: 'password',
  url: 'connectionString',
};

/** A value the first service to read it defines (generated or prompted); the others read it from there. */
function held(id: string, key: string, service: string, ctx: RenderCtx, define: () => EnvVar): EnvVar {
  const holder = ctx.holders.get(id);
  if (!holder) {
    ctx.holders.set(id, { service, key });
    return define();
  }
  const type = ctx.types.get(holder.service) ?? 'web';
  return { key, fromService: { type, name: holder.service, envVarKey: holder.key } };
}

function resourceVar(
  r: Resource,
  ref: Extract<ValuePart, { kind: 'resource' }>,
  key: string,
  service: string,
  ctx: RenderCtx,
  owner: string,
): EnvVar | undefined {
  const name = ctx.names.get(r.id) as string;
  const plainUrl =
    ref.output !== 'url' ||
    ref.url === undefined ||
    (ref.url.query === undefined &&
      (ref.url.scheme === undefined || ref.url.scheme === 'postgresql' || ref.url.scheme === 'redis'));
  switch (r.type) {
    case 'postgres':
      if (!plainUrl) break;
      return { key, fromDatabase: { name, property: dbProperties[ref.output] as string } };
    case 'redis':
      if (ref.output === 'username') return { key, value: 'default' };
      if (ref.output === 'password') {
        ctx.report.warn(
          `${owner}.env.${key}`,
          'Render Key Value takes internal connections without a password; the value is empty',
        );
        return { key, value: '' };
      }
      if (!plainUrl) break;
      return {
        key,
        fromService: {
          type: 'keyvalue',
          name,
          property: ref.output === 'url' ? 'connectionString' : ref.output,
        },
      };
    case 's3':
      return held(`s3:${r.id}:${ref.output}`, key, service, ctx, () => ({ key, sync: false }));
    case 'amqp':
      if (ref.output === 'host') return { key, fromService: { type: 'pserv', name, property: 'host' } };
      if (ref.output === 'port') return { key, value: '5672' };
      if (ref.output === 'username') return { key, value: r.username };
      if (ref.output === 'vhost') return { key, value: r.vhost };
      if (ref.output === 'password')
        return { key, fromService: { type: 'pserv', name, envVarKey: 'RABBITMQ_DEFAULT_PASS' } };
      break;
    case 'volume':
      return { key, value: r.id };
    case 'service': {
      if (ref.output === 'host') return { key, fromService: { type: 'pserv', name, property: 'host' } };
      if (ref.output === 'port') return { key, value: String(r.ports[0]?.port ?? 80) };
      const declared = r.outputs[ref.output];
      const literal = declared ? literalOf(declared) : undefined;
      if (literal !== undefined) return { key, value: literal };
      break;
    }
  }
  return undefined;
}

/** One env var of a service; a value Render cannot compose is asked for at Blueprint creation, with a warning. */
export function envVar(
  key: string,
  v: Value,
  service: string,
  ctx: RenderCtx,
  owner: string,
): EnvVar | undefined {
  const literal = literalOf(v);
  if (literal !== undefined) return { key, value: literal };
  const part = v.length === 1 ? v[0] : undefined;
  let out: EnvVar | undefined;
  if (part?.kind === 'resource') {
    const r = ctx.app.resources.find((x) => x.id === part.resource) as Resource;
    out = resourceVar(r, part, key, service, ctx, owner);
  } else if (part?.kind === 'secret') {
    out = held(`secret:${part.secret}`, key, service, ctx, () => ({ key, generateValue: true }));
  } else if (part?.kind === 'input') {
    const input = ctx.app.inputs.find((i) => i.id === part.input);
    out = held(`input:${part.input}`, key, service, ctx, () =>
      input?.default !== undefined && !input.secret ? { key, value: input.default } : { key, sync: false },
    );
  } else if (part?.kind === 'app') {
    if (part.output === 'name') return { key, value: ctx.app.name };
    out = held(`app:${part.output}`, key, service, ctx, () => ({ key, sync: false }));
  }
  if (!out) {
    ctx.report.warn(
      `${owner}.env.${key}`,
      `Render sets a variable from a database, a service or a generated value only as a whole, and ${key} composes one: the Blueprint asks for it (enter ${describe(v)} once the parts exist)`,
    );
    out = { key, sync: false };
  }
  return out;
}

/** The composed value in words, for the operator who enters it: `postgresql://<resources.db.username>:…`. */
function describe(v: Value): string {
  return v
    .map((p) => {
      switch (p.kind) {
        case 'text':
          return p.text;
        case 'resource':
          return `<resources.${p.resource}.${p.output}${p.url?.scheme ? ` as ${p.url.scheme}://` : ''}${p.url?.query ? `?${p.url.query.map(([k, x]) => `${k}=${x}`).join('&')}` : ''}>`;
        case 'app':
          return `<the app's ${p.output}>`;
        case 'input':
          return `<inputs.${p.input}>`;
        case 'secret':
          return `<secrets.${p.secret}>`;
        default:
          return p.text;
      }
    })
    .join('');
}
