// How values read in compose and Swarm files: literal `$` escaped as `$$` (compose would interpolate it on the
// deploying host), references as `.env` variables, resource outputs through the compose provisioners.
import type { App } from '../../model/app.js';
import { renderValue, type Value } from '../../model/value.js';
import type { Port } from '../../model/workload.js';
import type { VarRegistry } from './compose-vars.js';
import { type Provisioners, resolveResources } from './provisioner.js';
import type { Report } from './report.js';

export type ComposeFlavor = 'compose' | 'swarm';

export type Service = Record<string, unknown>;

/** What a provisioner adds to the file. */
export interface ComposeUnit {
  services: Record<string, Service>;
  volumes: string[];
}

export interface ComposeCtx {
  app: App;
  flavor: ComposeFlavor;
  vars: VarRegistry;
  report: Report;
  /** Host port entry for a published port (`8080:80/udp`), unique across the file. */
  publish(owner: string, port: Port): string;
  /** Services (s3 bucket jobs) a workload using the resource must wait for, by resource id. */
  initJobs: Map<string, string>;
  provisioners: Provisioners<ComposeCtx, ComposeUnit>;
}

export function escapeDollars(text: string): string {
  return text.replace(/\$/g, '$$$$');
}

/** Upper snake form of an id, for variable names (`my-db` -> `MY_DB`). */
export function upper(id: string): string {
  return id.replace(/-/g, '_').toUpperCase();
}

export function appUrlVar(ctx: ComposeCtx, output: 'url' | 'host'): string {
  const web = ctx.app.workloads.find((w) => w.role === 'web');
  const port = web?.ports.find((p) => p.http)?.port ?? 80;
  return ctx.vars.use(
    output === 'url'
      ? {
          name: 'APP_URL',
          owner: 'app',
          fill: {
            example: `http://localhost:${port}`,
            comment: 'Public URL of the app (scheme, host and port if not 80/443), as browsers reach it',
          },
        }
      : {
          name: 'APP_HOST',
          owner: 'app',
          fill: {
            example: 'localhost',
            comment: 'Host name of the app, without scheme; the host of APP_URL',
          },
        },
  );
}

export function renderCompose(v: Value, ctx: ComposeCtx): string {
  const resolved = resolveResources(ctx.app, v, ctx.provisioners, ctx);
  return renderValue(resolved, {
    text: escapeDollars,
    resource: (ref) => {
      throw new Error(`unresolved resource reference ${ref.resource}.${ref.output}`);
    },
    app: (output) => (output === 'name' ? ctx.app.name : appUrlVar(ctx, output)),
    input: (id) => {
      const input = ctx.app.inputs.find((i) => i.id === id);
      if (!input) throw new Error(`unknown input ${id}`);
      return ctx.vars.use({ name: id, owner: `input ${id}`, fill: { input } });
    },
    secret: (id) => {
      const secret = ctx.app.secrets.find((s) => s.id === id);
      if (!secret) throw new Error(`unknown secret ${id}`);
      return ctx.vars.use({ name: id, owner: `secret ${id}`, fill: { generate: secret } });
    },
  });
}

/** A resource credential kept in `.env`, as a raw part (`${DB_PASSWORD:?…}`). */
export function credential(ctx: ComposeCtx, resource: string, what: string, length: number): Value {
  const name = `${upper(resource)}_${what}`;
  const raw = ctx.vars.use({
    name,
    owner: `resource ${resource}`,
    fill: { generate: { id: name, format: 'hex', length } },
  });
  return [{ kind: 'raw', text: raw }];
}
