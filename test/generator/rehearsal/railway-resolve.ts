// Railway's variables for an IaC project (.railway/railway.ts evaluated with the real `railway` package), as
// ../shared/reference/railway.md §2-3 describes them: each database gets its template's variables, a bucket its
// S3 credentials, every service Railway's own RAILWAY_* values; generators run once, then `${{Service.VAR}}`
// references resolve across services, recursively.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import {
  createRailwayContext,
  type ProjectDefinition,
  project,
  type RailwayProgram,
  type ResourceNode,
  type VariableValue,
} from 'railway/iac';

const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const alnum = `${letters}0123456789`;
const pick = (alphabet: string, n: number) =>
  Array.from({ length: n }, () => alphabet[randomInt(alphabet.length)]).join('');

/** A Railway reference, `${{NAME}}` or `${{Service.NAME}}`. */
const ref = (name: string) => `\${{${name}}}`;

/** Variables of Railway's database templates (Postgres and Redis pages of the docs, template dumps). */
const databaseTemplates: Record<string, Record<string, string>> = {
  postgres: {
    POSTGRES_USER: 'postgres',
    POSTGRES_DB: 'railway',
    POSTGRES_PASSWORD: ref(`secret(32, "${letters}")`),
    PGUSER: ref('POSTGRES_USER'),
    PGPASSWORD: ref('POSTGRES_PASSWORD'),
    PGHOST: ref('RAILWAY_PRIVATE_DOMAIN'),
    PGPORT: '5432',
    PGDATABASE: ref('POSTGRES_DB'),
    PGDATA: '/var/lib/postgresql/data/pgdata',
    SSL_CERT_DAYS: '820',
    DATABASE_URL: `postgresql://${ref('PGUSER')}:${ref('POSTGRES_PASSWORD')}@${ref('RAILWAY_PRIVATE_DOMAIN')}:5432/${ref('PGDATABASE')}`,
  },
  redis: {
    REDIS_PASSWORD: ref(`secret(32, "${letters}")`),
    REDISHOST: ref('RAILWAY_PRIVATE_DOMAIN'),
    REDISPORT: '6379',
    REDISUSER: 'default',
    REDISPASSWORD: ref('REDIS_PASSWORD'),
    REDIS_URL: `redis://${ref('REDISUSER')}:${ref('REDIS_PASSWORD')}@${ref('REDISHOST')}:${ref('REDISPORT')}`,
  },
};

/** Where Railway Storage Buckets answer: public HTTPS, virtual-hosted bucket names. */
export const railwayBucketEndpoint = 'https://storage.railway.app';

/** Evaluates a `.railway/railway.ts` the way `railway config plan` does; `railway/iac` must resolve from it. */
export async function evaluateRailwayFile(
  file: string,
  environment = 'production',
): Promise<ProjectDefinition> {
  const mod = (await import(pathToFileURL(file).href)) as { default: RailwayProgram };
  return mod.default(createRailwayContext({ environment }), project);
}

/** A template function (`secret(n, "alphabet")`, `randomInt(min, max)`) run once; undefined if unknown. */
export function runGenerator(call: string): string | undefined {
  const secret = /^secret\(\s*(\d+)?\s*(?:,\s*"((?:[^"\\]|\\.)*)"\s*)?\)$/.exec(call.trim());
  if (secret) return pick(secret[2] || alnum, Number(secret[1] ?? 32));
  const int = /^randomInt\(\s*(\d+)?\s*(?:,\s*(\d+)\s*)?\)$/.exec(call.trim());
  if (int) return String(randomInt(Number(int[1] ?? 0), Number(int[2] ?? 100) + 1));
  return undefined;
}

export interface RailwayResolved {
  /** The runtime variables of every service, database and bucket, by name. */
  variables: Record<string, Record<string, string>>;
  resources: ResourceNode[];
  problems: string[];
}

export function resolveRailway(def: ProjectDefinition): RailwayResolved {
  const resources = (def.resources ?? []).flat() as ResourceNode[];
  const problems: string[] = [];
  const byAddress = new Map(resources.map((r) => [r.address, r.name]));
  const generate = (text: string) =>
    text.replace(/\$\{\{\s*((?:secret|randomInt)\([^}]*\))\s*\}\}/g, (whole, call: string) => {
      const value = runGenerator(call);
      if (value === undefined) problems.push(`unknown template function ${whole}`);
      return value ?? '';
    });
  const provided = (name: string) => ({
    RAILWAY_PRIVATE_DOMAIN: `${name.toLowerCase().replace(/[^a-z0-9-]/g, '-')}.railway.internal`,
    RAILWAY_SERVICE_NAME: name,
    RAILWAY_SERVICE_ID: randomUUID(),
    RAILWAY_PROJECT_NAME: def.name,
    RAILWAY_PROJECT_ID: randomUUID(),
    RAILWAY_ENVIRONMENT: 'production',
    RAILWAY_ENVIRONMENT_NAME: 'production',
    RAILWAY_ENVIRONMENT_ID: randomUUID(),
    RAILWAY_REPLICA_ID: randomUUID(),
    RAILWAY_DEPLOYMENT_ID: randomUUID(),
  });
  const raw: Record<string, Record<string, string>> = {};
  for (const r of resources) {
    if (r.type === 'database') {
      const template = databaseTemplates[r.engine];
      if (!template) problems.push(`${r.name}: no template variables for engine ${r.engine}`);
      raw[r.name] = { ...provided(r.name), ...template };
    } else if (r.type === 'bucket') {
      raw[r.name] = {
        RAILWAY_BUCKET_NAME: r.name,
        RAILWAY_BUCKET_ID: randomUUID(),
        BUCKET: `${r.name}-${randomBytes(4).toString('hex')}`,
        ENDPOINT: railwayBucketEndpoint,
        REGION: 'auto',
        ACCESS_KEY_ID: `tid_${pick(alnum, 30)}`,
        SECRET_ACCESS_KEY: `tsec_${pick(alnum, 40)}`,
      };
    } else if (r.type === 'service') {
      raw[r.name] = { ...provided(r.name), PORT: '8080' };
      for (const [key, v] of Object.entries(r.variables ?? {}) as [string, VariableValue][]) {
        raw[r.name]![key] = variableText(v, key);
      }
    }
    for (const [k, v] of Object.entries(raw[r.name] ?? {})) raw[r.name]![k] = generate(v);
  }

  function variableText(v: VariableValue, key: string): string {
    if (v.type === 'reference') return ref(`${byAddress.get(v.resource) ?? v.resource}.${v.output}`);
    if (v.type === 'sharedReference') return ref(`shared.${v.name}`);
    const config = v.type === 'raw' ? v.value : v.type === 'literal' ? v : undefined;
    if (config?.generator) return ref(config.generator);
    if (config && (config.value ?? config.defaultValue) != null)
      return String(config.value ?? config.defaultValue);
    problems.push(`${key}: ${v.type} value has nothing Railway could store`);
    return '';
  }

  const resolved: Record<string, Record<string, string>> = {};
  const resolve = (scope: string, key: string, seen: string[]): string => {
    const at = `${scope}.${key}`;
    if (resolved[scope]?.[key] !== undefined) return resolved[scope][key];
    const text = raw[scope]?.[key];
    if (text === undefined || seen.includes(at)) {
      problems.push(`\${{${at}}} ${text === undefined ? 'does not exist' : 'refers to itself'}`);
      return '';
    }
    const value = text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, ref: string) => {
      const dot = ref.indexOf('.');
      return dot < 0
        ? resolve(scope, ref, [...seen, at])
        : resolve(ref.slice(0, dot), ref.slice(dot + 1), [...seen, at]);
    });
    resolved[scope] = { ...resolved[scope], [key]: value };
    return value;
  };
  for (const [scope, vars] of Object.entries(raw))
    for (const key of Object.keys(vars)) resolve(scope, key, []);
  return { variables: resolved, resources, problems };
}
