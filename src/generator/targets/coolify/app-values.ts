// How v2 values read in Coolify's compose files: literal `$` doubled (compose interpolates), magic
// `SERVICE_*` variables, input placeholders, resource outputs through the Coolify provisioners.
import type { App } from '../../model/app.js';
import { renderValue, type Value } from '../../model/value.js';
import type { Port, Workload } from '../../model/workload.js';
import { escapeDollars } from '../shared/compose-values.js';
import { type Provisioners, resolveResources } from '../shared/provisioner.js';
import type { Report } from '../shared/report.js';
import type { MagicSet } from './app-magic.js';
import { urlName } from './app-magic.js';

export type Service = Record<string, unknown>;

export interface CoolUnit {
  services: Record<string, Service>;
  volumes: string[];
}

export interface CoolCtx {
  app: App;
  /** The root compose file of the Git build pack (builds allowed) rather than the one-click template. */
  git: boolean;
  report: Report;
  magic: MagicSet;
  provisioners: Provisioners<CoolCtx, CoolUnit>;
  /** Host ports published so far, by owner. */
  published: Map<string, string>;
  /** One-shot services (bucket jobs) a workload reading the resource waits for, by resource id. */
  initJobs: Map<string, string>;
}

/** A workload Coolify routes a domain to: a web workload with a public HTTP port. */
export function isWebApp(w: Workload): boolean {
  return w.role === 'web' && w.ports.some((p) => p.http && p.public);
}

export function mainWeb(app: App): Workload | undefined {
  return app.workloads.find((w) => isWebApp(w) && w.name === 'web') ?? app.workloads.find(isWebApp);
}

/** The compose service of a workload: the main web one is named like the template (Coolify's `port:`). */
export function serviceName(app: App, name: string): string {
  return mainWeb(app)?.name === name ? app.name : name;
}

export function renderCool(v: Value, ctx: CoolCtx): string {
  const resolved = resolveResources(ctx.app, v, ctx.provisioners, ctx);
  return renderValue(resolved, {
    text: escapeDollars,
    resource: (ref) => {
      throw new Error(`unresolved resource reference ${ref.resource}.${ref.output}`);
    },
    app: (output) => {
      if (output === 'name') return ctx.app.name;
      const web = mainWeb(ctx.app);
      if (!web) {
        ctx.report.fail(
          `app.${output}`,
          'the app has no web workload with a public HTTP port to take a domain',
        );
        return '';
      }
      return `\${SERVICE_${output === 'url' ? 'URL' : 'FQDN'}_${urlName(serviceName(ctx.app, web.name))}}`;
    },
    input: (id) => {
      const input = ctx.app.inputs.find((i) => i.id === id);
      if (!input) throw new Error(`unknown input ${id}`);
      return ctx.magic.input(input);
    },
    secret: (id) => {
      const secret = ctx.app.secrets.find((s) => s.id === id);
      if (!secret) throw new Error(`unknown secret ${id}`);
      return ctx.magic.secret(secret);
    },
  });
}

/** `HOST:CONTAINER[/udp]` of a published non-HTTP port, unique across the file. */
export function publish(owner: string, port: Port, ctx: CoolCtx): string {
  const proto = port.protocol === 'udp' ? '/udp' : '';
  const host = `${port.published ?? port.port}${proto}`;
  const holder = ctx.published.get(host);
  if (holder) {
    ctx.report.fail(
      `${owner}.ports.${port.name}`,
      `host port ${host} is already published by ${holder}`,
      'set ports.<name>.published',
    );
  }
  ctx.published.set(host, owner);
  return `${port.published ?? port.port}:${port.port}${proto}`;
}

/** Env as Coolify's `KEY=value` list, sorted, with bare `SERVICE_URL_*` declarations first in order. */
export function envList(entries: [string, string][], declarations: string[] = []): string[] {
  return [...declarations, ...entries.map(([k, v]) => `${k}=${v}`)].sort((a, b) => {
    const ka = a.split('=')[0] as string;
    const kb = b.split('=')[0] as string;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}
