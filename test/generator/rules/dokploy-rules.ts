// Our encoding of the checks Dokploy's templates repository runs in CI (Dokploy/templates at 285e667c:
// build-scripts/validate-docker-compose.ts, validate-template.ts, generate-meta.js), plus how a Dokploy
// instance resolves a template: helpers and variables into the compose `.env` and the mounted files.
// template.toml is parsed by Python's tomllib, a real TOML 1.0 parser.
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';

export interface DokployTemplate {
  variables?: Record<string, unknown>;
  config?: {
    domains?: { serviceName?: unknown; port?: unknown; host?: unknown; path?: unknown }[];
    env?: Record<string, unknown> | unknown[];
    mounts?: { filePath?: unknown; content?: unknown }[];
  };
}

/** template.toml through Python's tomllib (throws with the parser's message on invalid TOML). */
export function parseToml(text: string): DokployTemplate {
  const out = spawnSync(
    'python3',
    ['-c', 'import sys, json, tomllib; print(json.dumps(tomllib.loads(sys.stdin.read())))'],
    { input: text, encoding: 'utf8' },
  );
  if (out.status !== 0) throw new Error(`tomllib: ${out.stderr}`);
  return JSON.parse(out.stdout) as DokployTemplate;
}

const helpers =
  /^(domain|base64(:\d+)?|password(:\d+)?|hash(:\d+)?|uuid|randomPort|timestamp|timestampms|timestamps|jwt(:.+)?|email|username)$/;

/** validate-docker-compose.ts: errors and warnings (service names) as one list. */
export function checkDokployCompose(text: string): string[] {
  const doc = parse(text) as { services?: Record<string, Record<string, unknown>>; networks?: unknown };
  const out: string[] = [];
  const services = doc.services ?? {};
  if (Object.keys(services).length === 0) out.push('no services');
  if (doc.networks && Object.keys(doc.networks).length > 0) out.push('explicit networks section');
  for (const [name, s] of Object.entries(services)) {
    if (s.container_name) out.push(`${name}: container_name`);
    if (s.networks) out.push(`${name}: explicit networks`);
    for (const p of (s.ports as unknown[] | undefined) ?? []) {
      if (typeof p === 'string' && /^\d+:\d+/.test(p)) out.push(`${name}: port mapping ${p}`);
      if (typeof p === 'object' && p && 'published' in p && 'target' in p) out.push(`${name}: port mapping`);
    }
    if (name !== name.toLowerCase() || name.includes('_')) out.push(`${name}: service name`);
  }
  return out;
}

/** validate-template.ts, with unresolved references as errors (the CI warns; Dokploy would leave them in). */
export function checkDokployTemplate(t: DokployTemplate, composeText: string): string[] {
  const out: string[] = [];
  const services = Object.keys((parse(composeText) as { services: object }).services);
  if (!t.config) return ['missing [config]'];
  const vars = t.variables ?? {};
  const refs = (where: string, s: string) => {
    for (const m of s.matchAll(/\$\{([^}]+)\}/g)) {
      const name = m[1] as string;
      if (!(name in vars) && !helpers.test(name)) out.push(`${where}: unresolved \${${name}}`);
    }
  };
  for (const [k, v] of Object.entries(vars)) {
    if (typeof v !== 'string') out.push(`variables.${k}: not a string`);
    else refs(`variables.${k}`, v);
  }
  for (const [i, d] of (t.config.domains ?? []).entries()) {
    if (typeof d.serviceName !== 'string' || !services.includes(d.serviceName))
      out.push(`domain[${i}]: serviceName ${String(d.serviceName)} not a compose service`);
    if (typeof d.port !== 'number' || d.port < 1 || d.port > 65535) out.push(`domain[${i}]: port`);
    if (typeof d.host !== 'string' || !d.host.includes('${'))
      out.push(`domain[${i}]: host without a variable`);
    else refs(`domain[${i}].host`, d.host);
  }
  const env = t.config.env;
  if (env !== undefined) {
    if (Array.isArray(env) || typeof env !== 'object') out.push('config.env: not a table');
    else
      for (const [k, v] of Object.entries(env)) {
        if (typeof v !== 'string') out.push(`config.env.${k}: not a string`);
        else refs(`config.env.${k}`, v);
      }
  }
  for (const [i, m] of (t.config.mounts ?? []).entries()) {
    if (typeof m.filePath !== 'string') out.push(`mounts[${i}]: filePath`);
    if (typeof m.content !== 'string') out.push(`mounts[${i}]: content`);
    else refs(`mounts[${i}].content`, m.content);
  }
  return out;
}

/** generate-meta.js: required fields, links, tags, the logo next to it, id = folder. */
export function checkDokployMeta(meta: Record<string, unknown>, dir: string, files: string[]): string[] {
  const out: string[] = [];
  for (const f of ['id', 'name', 'version', 'description', 'links', 'logo', 'tags']) {
    if (meta[f] === undefined || meta[f] === null || meta[f] === '') out.push(`missing ${f}`);
  }
  if (meta.id !== dir) out.push(`id ${String(meta.id)} is not ${dir}`);
  const links = (meta.links ?? {}) as Record<string, unknown>;
  for (const l of ['github', 'website', 'docs']) if (links[l] === undefined) out.push(`links.${l}`);
  if (!Array.isArray(meta.tags) || meta.tags.length === 0) out.push('tags');
  if (typeof meta.logo === 'string' && !files.includes(`blueprints/${dir}/${meta.logo}`))
    out.push('logo file');
  return out;
}

/** Dokploy's processValue with fixed stand-ins for its random helpers (lengths as Dokploy makes them). */
export function resolveTemplate(t: DokployTemplate): {
  env: Record<string, string>;
  mounts: { filePath: string; content: string }[];
} {
  const resolved: Record<string, string> = {};
  const value = (s: string) =>
    s.replace(/\$\{([^}]+)\}/g, (m, name: string) => {
      if (name in resolved) return resolved[name] as string;
      if (name === 'domain') return 'app-1a2b3c.traefik.me';
      if (name === 'uuid') return '0f8fad5b-d9cb-469f-a165-70867728950e';
      const [helper, n] = name.split(':');
      const len = Number(n ?? 16);
      if (helper === 'hash') return 'a1'.repeat(len).slice(0, len);
      if (helper === 'password') return 'x9'.repeat(len).slice(0, len);
      if (helper === 'base64') return Buffer.alloc(len, 7).toString('base64');
      return m;
    });
  for (const [k, v] of Object.entries(t.variables ?? {})) resolved[k] = value(String(v));
  const env = Object.fromEntries(
    Object.entries((t.config?.env ?? {}) as Record<string, string>).map(([k, v]) => [k, value(v)]),
  );
  const mounts = (t.config?.mounts ?? []).map((m) => ({
    filePath: String(m.filePath),
    content: value(String(m.content)),
  }));
  return { env, mounts };
}
