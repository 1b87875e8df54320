// How v2 values read on Railway: references `${{<service>.<VAR>}}` (a whole-value reference becomes a typed
// `ref()`, so Railway's graph has the edge), generated secrets and installer inputs as variables owned by the
// first service that reads them, the app's URL from the web service's public domain.
import type { App } from '../../model/app.js';
import { refsOf, renderValue, type Value } from '../../model/value.js';
import { type Provisioners, resolveResources } from '../shared/provisioner.js';
import type { Report } from '../shared/report.js';

export interface RailNode {
  /** Railway service, database, bucket or volume name. */
  name: string;
  /** TS identifier of the node in railway.ts. */
  id: string;
  /** TS expression creating it. */
  decl: string;
}

export interface RailCtx {
  app: App;
  report: Report;
  provisioners: Provisioners<RailCtx, RailNode[]>;
  /** `secret:<ID>` / `input:<ID>` -> the holder service and the variable name there. */
  owned: Map<string, { holder: string; name: string }>;
  /** The service whose value is being rendered (a same-service reference reads `${{VAR}}`). */
  current: string;
  /** Railway names -> TS identifiers, for typed references. */
  ids: Map<string, string>;
}

export const q = (s: string) => JSON.stringify(s);

/** A TS identifier for a Railway name (`search-data` -> `searchData`), unique in the file. */
export function tsId(name: string, taken: Set<string>): string {
  let id = name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase()).replace(/^([0-9])/, '_$1');
  if (
    [
      'image',
      'service',
      'project',
      'ref',
      'volume',
      'bucket',
      'github',
      'database',
      'redis',
      'postgres',
    ].includes(id)
  )
    id = `${id}Node`;
  while (taken.has(id)) id = `${id}_`;
  taken.add(id);
  return id;
}

export function mainWebName(app: App): string | undefined {
  const webs = app.workloads.filter((w) => w.role === 'web' && w.ports.some((p) => p.http && p.public));
  return (webs.find((w) => w.name === 'web') ?? webs[0])?.name;
}

const reference = (service: string, variable: string, ctx: RailCtx) =>
  service === ctx.current ? `\${{${variable}}}` : `\${{${service}.${variable}}}`;

/** The value as a Railway variable string. */
export function renderRailway(v: Value, ctx: RailCtx, owner: string): string {
  const resolved = resolveResources(ctx.app, v, ctx.provisioners, ctx);
  return renderValue(resolved, {
    text: (t) => {
      if (t.includes('${{')) ctx.report.fail(owner, 'a literal `${{` would be read as a Railway reference');
      return t;
    },
    resource: (ref) => {
      throw new Error(`unresolved resource reference ${ref.resource}.${ref.output}`);
    },
    app: (output) => {
      if (output === 'name') return ctx.app.name;
      const web = mainWebName(ctx.app);
      if (!web) {
        ctx.report.fail(owner, `\${app.${output}} needs a web workload with a public HTTP port`);
        return '';
      }
      const domain = reference(web, 'RAILWAY_PUBLIC_DOMAIN', ctx);
      return output === 'url' ? `https://${domain}` : domain;
    },
    input: (id) => ownedRef(`input:${id}`, ctx),
    secret: (id) => ownedRef(`secret:${id}`, ctx),
  });
}

function ownedRef(key: string, ctx: RailCtx): string {
  const owned = ctx.owned.get(key);
  if (!owned) throw new Error(`no holder for ${key}`);
  return reference(owned.holder, owned.name, ctx);
}

/** A whole-value reference to another node becomes `ref(node, "VAR")`; anything else a string. */
export function tsValue(rendered: string, ctx: RailCtx): string {
  const m = /^\$\{\{([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}\}$/.exec(rendered);
  const id = m ? ctx.ids.get(m[1] as string) : undefined;
  return m && id ? `ref(${id}, ${q(m[2] as string)})` : q(rendered);
}

/** Secrets and inputs a value reads. */
export function ownedKeys(v: Value): string[] {
  return [
    ...refsOf(v, 'secret').map((s) => `secret:${s.secret}`),
    ...refsOf(v, 'input').map((i) => `input:${i.input}`),
  ];
}

export const alphabets = {
  hex: '0123456789abcdef',
  alphanumeric: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  base64: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/',
} as const;
