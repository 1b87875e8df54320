// Recognises the connection details of a resource in a compose value: a URL with the resource's host, its
// host name, `host:port`, or a user, password, database, port or bucket equal to (or taken from the same
// variable as) what the resource's own service reads; and gives the `${resources.<id>.<output>}` for it.
import type { EnvSpecValueV2 } from '../spec/types-v2.js';
import type { ValueContext } from './env-map.js';
import { escapeText, soleVariable, withDefaults } from './interpolate.js';
import type { ResourceInfo } from './resources.js';

type Part = keyof ResourceInfo['known'] | 'host' | 'port' | 'bucket';

const kindWords: Record<string, RegExp> = {
  postgres: /PG|POSTGRES|DB|DATABASE|SQL/,
  redis: /REDIS|CACHE|VALKEY|KEYDB|QUEUE/,
  amqp: /RABBIT|AMQP|MQ|BROKER/,
  s3: /S3|MINIO|AWS|STORAGE|BUCKET|OBJECT/,
};
const ref = (r: ResourceInfo, output: string) => `\${resources.${r.id}.${output}}`;

/** The resource output `raw` is a copy of, for env `name` (upper case), if any. */
export function resourceValue(name: string, raw: string, ctx: ValueContext): EnvSpecValueV2 | undefined {
  const sole = soleVariable(raw);
  if (sole) {
    for (const r of ctx.resources) {
      for (const [part, k] of Object.entries(r.known)) {
        if (k?.variable === sole.variable) return ref(r, part);
      }
    }
  }
  const resolved = withDefaults(raw);
  const url = urlValue(resolved, ctx);
  if (url !== undefined) return url;
  const part = partOf(name);
  // A user or password may equal a host name (`minio`/`minio`): the name of the variable decides.
  const credential = part !== undefined && part !== 'port' && part !== 'host';
  for (const r of ctx.resources) {
    if (credential) break;
    if (r.hosts.has(resolved)) return ref(r, 'host');
    const hp = /^([^:/\s]+):(\d+)$/.exec(resolved);
    if (hp && r.hosts.has(hp[1] as string)) {
      return `${ref(r, 'host')}:${Number(hp[2]) === r.port ? ref(r, 'port') : hp[2]}`;
    }
  }
  if (!part || resolved === '') return undefined;
  for (const r of ctx.resources) {
    const words = kindWords[r.kind] ?? new RegExp(r.id.toUpperCase().replace(/-/g, '_'));
    if (!words.test(name)) continue;
    const p: Part =
      r.kind === 's3'
        ? part === 'password'
          ? 'secretKey'
          : part === 'username'
            ? 'accessKeyId'
            : part
        : part;
    if (p === 'port' && resolved === String(r.port) && r.kind !== 'service') return ref(r, 'port');
    if (p === 'bucket' && r.kind === 's3') {
      if (!r.spec.bucket && /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(resolved)) r.spec.bucket = resolved;
      if (r.spec.bucket === resolved) return ref(r, 'bucket');
    }
    if (p in r.known && r.known[p as keyof ResourceInfo['known']]?.literal === resolved) return ref(r, p);
  }
  return undefined;
}

function partOf(name: string): Part | undefined {
  // By the last word, so `AUTHENTIK_REDIS__HOST` is a host although it starts with AUTH.
  const words = name.split('_').filter(Boolean);
  const last = words.at(-1) ?? '';
  if (words.includes('BUCKET')) return 'bucket';
  if (/SECRET_(ACCESS_)?KEY$/.test(name) || /^(PASSWORD|PASS|PASSWD|AUTH|SECRET)$/.test(last))
    return 'password';
  if (/ACCESS_KEY(_ID)?$/.test(name) || /^(USER|USERNAME|LOGIN)$/.test(last)) return 'username';
  if (last === 'VHOST') return 'vhost';
  if (last === 'PORT') return 'port';
  if (/^(HOST|HOSTNAME|SERVER|ADDR|ADDRESS)$/.test(last)) return 'host';
  if (/^(DB|DATABASE|NAME|DBNAME)$/.test(last)) return 'database';
  return undefined;
}

const schemes: Record<string, RegExp> = {
  postgres: /^postgres(ql)?(\+[a-z0-9]+)?:$/,
  redis: /^rediss?:$/,
  amqp: /^amqps?:$/,
  s3: /^https?:$/,
};

function urlValue(resolved: string, ctx: ValueContext): EnvSpecValueV2 | undefined {
  let url: URL;
  try {
    url = new URL(resolved);
  } catch {
    return undefined;
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  for (const r of ctx.resources) {
    if (local && r.kind === 's3' && r.published.includes(Number(url.port))) {
      r.spec.public = true;
      return ref(r, 'publicEndpoint');
    }
    if (!r.hosts.has(url.hostname)) continue;
    const path = url.pathname === '/' ? '' : url.pathname;
    if (r.kind === 'service' || !schemes[r.kind]?.test(url.protocol)) {
      const port = url.port === '' ? '' : `:${Number(url.port) === r.port ? ref(r, 'port') : url.port}`;
      return `${url.protocol}//${ref(r, 'host')}${port}${escapeText(path + url.search)}`;
    }
    if (r.kind === 's3') return `${ref(r, 'endpoint')}${escapeText(path)}`;
    if (r.kind === 'postgres') {
      const db = decodeURIComponent(path.slice(1));
      const user = decodeURIComponent(url.username);
      if (!r.spec.database && /^[a-z_][a-z0-9_]{0,62}$/.test(db)) r.spec.database = db;
      if (!r.spec.username && /^[a-z_][a-z0-9_]{0,62}$/.test(user)) r.spec.username = user;
    }
    // `postgres://` and `postgresql://` are one scheme to libpq-based clients: the plain output keeps the
    // value whole, which every target can set (some only set whole outputs).
    const scheme = url.protocol.slice(0, -1).replace(/^postgres$/, 'postgresql');
    const query = Object.fromEntries(url.searchParams);
    const standard = scheme === 'postgresql' || scheme === 'redis' || scheme === 'amqp';
    // Database 0 is Redis's default: the URL without it is the same connection.
    const tail = r.kind === 'redis' && /^\/\d+$/.test(path) && path !== '/0' ? path : '';
    if (standard && Object.keys(query).length === 0) return `${ref(r, 'url')}${tail}`;
    if (tail) return `${ref(r, 'url')}${tail}`;
    return {
      from: `resources.${r.id}.url`,
      ...(standard ? {} : { scheme }),
      ...(Object.keys(query).length > 0 ? { query } : {}),
    };
  }
  return undefined;
}
