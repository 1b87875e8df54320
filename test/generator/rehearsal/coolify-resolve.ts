// Coolify's handling of a compose template, as ../shared/reference/coolify.md §1.2-1.7 describes it: magic
// SERVICE_* variables generated from the names in `environment` values, MinIO's specific URLs, `${VAR:-x}`
// prefilled and `${VAR:?}` required, everything written to the resource's `.env`; then each service gets
// `env_file: .env`, Coolify's own variables and its custom keys stripped, and the real compose interpolates.
import { randomBytes, randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { composeConfig, type ResolvedProject } from './compose-resolve.js';

export interface CoolifyDeploy {
  /** The resource's uuid, part of generated host names and container names. */
  uuid: string;
  /** The server's wildcard domain with its scheme, e.g. https://apps.example.com. */
  wildcard: string;
}

export interface CoolifyPrepared {
  /** The compose file Coolify hands to `docker compose`. */
  compose: string;
  /** The resource's `.env`. */
  dotenv: Record<string, string>;
  /** What blocks the deploy or leaves a variable empty. */
  problems: string[];
}

const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const alnum = `${letters}0123456789`;
const pick = (alphabet: string, n: number) =>
  Array.from({ length: n }, () => alphabet[randomInt(alphabet.length)]).join('');
const base64 = (s: string) => Buffer.from(s).toString('base64');

/** Generators by type (`generateEnvValue`); Str::random is letters and digits, Str::password adds no symbols. */
const generators: Record<string, () => string> = {
  USER: () => pick(alnum, 16),
  LOWERCASEUSER: () => pick(alnum, 16).toLowerCase(),
  PASSWORD: () => pick(alnum, 32),
  PASSWORD_64: () => pick(alnum, 64),
  PASSWORDWITHSYMBOLS: () => pick(`${alnum}!#$%&*+-.:;<=>?@^_~`, 32),
  PASSWORDWITHSYMBOLS_64: () => pick(`${alnum}!#$%&*+-.:;<=>?@^_~`, 64),
  BASE64: () => pick(alnum, 32),
  BASE64_32: () => pick(alnum, 32),
  BASE64_64: () => pick(alnum, 64),
  BASE64_128: () => pick(alnum, 128),
  REALBASE64: () => base64(pick(alnum, 32)),
  REALBASE64_32: () => base64(pick(alnum, 32)),
  REALBASE64_64: () => base64(pick(alnum, 64)),
  REALBASE64_128: () => base64(pick(alnum, 128)),
  HEX_32: () => randomBytes(32).toString('hex'),
  HEX_64: () => randomBytes(64).toString('hex'),
  HEX_128: () => randomBytes(128).toString('hex'),
};

/** The type of a magic name by Coolify's underscore count: 2 -> the middle, 3 -> all but the last part. */
export function magicType(name: string): string | null {
  const parts = name.split('_');
  if (parts.length === 3) return parts[1] as string;
  if (parts.length === 4) return parts.slice(1, -1).join('_');
  return null;
}

export interface Reference {
  name: string;
  operator?: ':-' | '-' | ':?' | '?';
  fallback?: string;
}

/** Every `${NAME…}` and `$NAME` in a value, nested defaults included; `$$` is a literal dollar. */
export function references(value: string): Reference[] {
  const found: Reference[] = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== '$') continue;
    if (value[i + 1] === '$') {
      i++;
      continue;
    }
    const bare = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(value.slice(i));
    if (bare) {
      found.push({ name: bare[1] as string });
      continue;
    }
    if (value[i + 1] !== '{') continue;
    let depth = 0;
    let end = i + 1;
    for (; end < value.length; end++) {
      if (value[end] === '{') depth++;
      else if (value[end] === '}' && --depth === 0) break;
    }
    const inner = value.slice(i + 2, end);
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(:-|-|:\?|\?)?([\s\S]*)$/.exec(inner);
    if (m) {
      const [, name, operator, fallback] = m as unknown as [string, string, Reference['operator'], string];
      found.push({ name, ...(operator ? { operator, fallback } : {}) });
      if (operator) found.push(...references(fallback));
    }
    i = end;
  }
  return found;
}

function envMap(environment: unknown): Record<string, string | null> {
  if (!Array.isArray(environment)) return { ...((environment as Record<string, string | null>) ?? {}) };
  return Object.fromEntries(
    environment.map((e: string) =>
      e.includes('=') ? [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] : [e, null],
    ),
  );
}

const minioImages =
  /^(quay\.io\/minio\/minio|minio\/minio|ghcr\.io\/coollabsio\/minio|coollabsio\/minio)(:|$)/;

export function prepareCoolify(text: string, deploy: CoolifyDeploy): CoolifyPrepared {
  const doc = parseYaml(text) as { services: Record<string, Record<string, unknown>> };
  const { uuid } = deploy;
  const [scheme, domain] = deploy.wildcard.split('://') as [string, string];
  const dotenv: Record<string, string> = {};
  const problems: string[] = [];
  const urlFor = (name: string) => `${name.toLowerCase()}-${uuid}.${domain}`;
  const declareUrl = (key: string, into: Record<string, string>) => {
    const rest = key.replace(/^SERVICE_(URL|FQDN)_/, '');
    const port = /_(\d+)$/.exec(rest)?.[1];
    const name = port ? rest.slice(0, -port.length - 1) : rest;
    const host = urlFor(name);
    into[`SERVICE_URL_${name}`] = `${scheme}://${host}`;
    into[`SERVICE_FQDN_${name}`] = host;
    if (port) {
      into[`SERVICE_URL_${name}_${port}`] = `${scheme}://${host}:${port}`;
      into[`SERVICE_FQDN_${name}_${port}`] = `${host}:${port}`;
    }
    return `${scheme}://${host}`;
  };

  // MinIO's routes come only from these two variables, whichever other service references them too.
  for (const svc of Object.values(doc.services)) {
    if (typeof svc.image !== 'string' || !minioImages.test(svc.image)) continue;
    for (const value of Object.values(envMap(svc.environment))) {
      for (const ref of references(value ?? '')) {
        if (ref.name === 'MINIO_SERVER_URL') dotenv[ref.name] = `https://minio-${uuid}.${domain}`;
        if (ref.name === 'MINIO_BROWSER_REDIRECT_URL') dotenv[ref.name] = `https://console-${uuid}.${domain}`;
      }
    }
  }
  for (const [svcName, svc] of Object.entries(doc.services)) {
    const env = envMap(svc.environment);
    let serviceUrl: string | undefined;
    for (const [key, value] of Object.entries(env)) {
      if (/^SERVICE_(URL|FQDN)_/.test(key)) serviceUrl = declareUrl(key, dotenv);
      for (const ref of references(value ?? '')) {
        if (ref.name in dotenv) continue;
        if (/^SERVICE_(URL|FQDN)_/.test(ref.name)) declareUrl(ref.name, dotenv);
        else if (ref.name.startsWith('SERVICE_')) {
          const generate = generators[magicType(ref.name) ?? ''];
          if (!generate) problems.push(`${ref.name}: not a generator Coolify knows; created empty`);
          dotenv[ref.name] = generate ? generate() : '';
        } else {
          const prefilled = ref.operator === ':-' || ref.operator === '-';
          dotenv[ref.name] = prefilled ? (ref.fallback ?? '') : '';
          if (ref.operator?.endsWith('?'))
            problems.push(`${ref.name}: required and empty; deploy is blocked`);
        }
      }
    }
    // Declared FQDN keys leave the container env; Coolify's own variables join it.
    for (const key of Object.keys(env)) if (key.startsWith('SERVICE_FQDN_')) delete env[key];
    env.COOLIFY_RESOURCE_UUID = uuid;
    env.COOLIFY_CONTAINER_NAME = `${svcName}-${uuid}`;
    if (serviceUrl) {
      env.COOLIFY_URL = serviceUrl;
      env.COOLIFY_FQDN = serviceUrl.replace(/^\w+:\/\//, '');
    }
    svc.environment = env;
    svc.container_name = `${svcName}-${uuid}`;
    svc.env_file = [...((svc.env_file as string[]) ?? []), '.env'];
    delete svc.exclude_from_hc;
  }
  for (const svcName of Object.keys(doc.services)) {
    dotenv[`SERVICE_NAME_${svcName.toUpperCase().replace(/[-.]/g, '_')}`] = svcName;
  }
  return { compose: stringifyYaml(doc), dotenv, problems };
}

/** Coolify's compose in `dir`, interpolated and merged (env_file under environment) by `docker compose config`. */
export function resolveCoolify(
  text: string,
  deploy: CoolifyDeploy,
  dir: string,
): ResolvedProject & { dotenv: Record<string, string>; problems: string[] } {
  const prepared = prepareCoolify(text, deploy);
  writeFileSync(join(dir, 'docker-compose.yml'), prepared.compose);
  const project = composeConfig(dir, 'docker-compose.yml', prepared.dotenv);
  return { ...project, dotenv: prepared.dotenv, problems: prepared.problems };
}
