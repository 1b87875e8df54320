// Reads a docker-compose file (YAML anchors and `<<` merges included) into plain service records: env in list
// or map form, ports and volumes in short or long syntax, healthchecks with their durations in seconds. Values
// stay raw (with their `${...}`); interpolate.ts reads those. Unknown keys are kept by name for the report.
import { parse } from 'yaml';
import { splitWords } from '../targets/railway/shell.js';
import { withDefaults } from './interpolate.js';

export interface ComposePort {
  target: number;
  published?: number;
  protocol: 'tcp' | 'udp';
  /** Bound to the loopback interface only (`127.0.0.1:8123:8123`): not meant to be reached from outside. */
  local: boolean;
}

export interface ComposeVolume {
  source?: string;
  target: string;
  readOnly: boolean;
  kind: 'volume' | 'bind' | 'tmpfs';
}

export interface ComposeHealthcheck {
  test?: string[];
  interval?: number;
  timeout?: number;
  retries?: number;
  startPeriod?: number;
}

export interface ComposeService {
  name: string;
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[];
  entrypoint?: string[];
  /** Raw values; undefined for `- NAME` (taken from the host environment). */
  environment: [string, string | undefined][];
  envFiles: string[];
  ports: ComposePort[];
  volumes: ComposeVolume[];
  healthcheck?: ComposeHealthcheck;
  dependsOn: [string, string][];
  restart?: string;
  hostname?: string;
  replicas?: number;
  limits?: { cpu?: string; memory?: string };
  stopGracePeriod?: number;
  /** Keys of the service the importer does not map, e.g. `user`, `ulimits`. */
  other: string[];
}

export interface ComposeFile {
  name?: string;
  services: ComposeService[];
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

const mapped = new Set([
  'image',
  'build',
  'command',
  'entrypoint',
  'environment',
  'env_file',
  'ports',
  'volumes',
  'healthcheck',
  'depends_on',
  'restart',
  'hostname',
  'deploy',
  'stop_grace_period',
]);

export class ComposeError extends Error {}

export function parseCompose(text: string): ComposeFile {
  let doc: unknown;
  try {
    doc = parse(text, { merge: true, maxAliasCount: 1000 });
  } catch (err) {
    throw new ComposeError(`not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isObj(doc) || !isObj(doc.services) || Object.keys(doc.services).length === 0) {
    // Version 1 files have the services at the top level.
    const legacy = isObj(doc) && Object.values(doc).every((s) => isObj(s) && ('image' in s || 'build' in s));
    if (!legacy || Object.keys(doc as Json).length === 0)
      throw new ComposeError('has no services (expected a `services:` map)');
    return { services: Object.entries(doc as Json).map(([n, s]) => service(n, s as Json)) };
  }
  return {
    ...(str(doc.name) ? { name: str(doc.name) as string } : {}),
    services: Object.entries(doc.services).map(([n, s]) => service(n, isObj(s) ? s : {})),
  };
}

function service(name: string, s: Json): ComposeService {
  const deploy = isObj(s.deploy) ? s.deploy : {};
  const limits = isObj(deploy.resources) && isObj(deploy.resources.limits) ? deploy.resources.limits : {};
  const cpu = str(limits.cpus);
  const memory = str(limits.memory);
  return {
    name,
    ...(str(s.image) ? { image: withDefaults(str(s.image) as string) } : {}),
    ...(s.build !== undefined ? { build: build(s.build) } : {}),
    ...(s.command !== undefined && s.command !== null ? { command: argv(s.command) } : {}),
    ...(s.entrypoint !== undefined && s.entrypoint !== null ? { entrypoint: argv(s.entrypoint) } : {}),
    environment: environment(s.environment),
    envFiles: list(s.env_file).map((f) => (isObj(f) ? (str(f.path) ?? '') : (str(f) ?? ''))),
    ports: list(s.ports).flatMap(port),
    volumes: list(s.volumes).flatMap(volume),
    ...(isObj(s.healthcheck) ? healthcheck(s.healthcheck) : {}),
    dependsOn: Array.isArray(s.depends_on)
      ? s.depends_on.map((d) => [String(d), 'service_started'] as [string, string])
      : Object.entries(isObj(s.depends_on) ? s.depends_on : {}).map(([d, c]) => [
          d,
          (isObj(c) && str(c.condition)) || 'service_started',
        ]),
    ...(str(s.restart) ? { restart: str(s.restart) as string } : {}),
    ...(str(s.hostname) ? { hostname: str(s.hostname) as string } : {}),
    ...(typeof deploy.replicas === 'number' ? { replicas: deploy.replicas } : {}),
    ...(cpu || memory ? { limits: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } } : {}),
    ...(s.stop_grace_period !== undefined ? { stopGracePeriod: seconds(s.stop_grace_period) } : {}),
    other: [
      ...Object.keys(s).filter((k) => !mapped.has(k)),
      ...Object.keys(deploy)
        .filter((k) => k !== 'replicas' && k !== 'resources')
        .map((k) => `deploy.${k}`),
    ],
  };
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}

/** A command as compose runs it: a list as is, a string split into words like a shell would. */
function argv(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => str(x) ?? '');
  // Words keep their `${...}` and `$$`: compose interpolates before splitting, the importer after.
  return splitWords(str(v) ?? '');
}

function build(v: unknown): { context: string; dockerfile?: string } {
  if (!isObj(v)) return { context: str(v) ?? '.' };
  return {
    context: str(v.context) ?? '.',
    ...(str(v.dockerfile) ? { dockerfile: str(v.dockerfile) as string } : {}),
  };
}

function environment(v: unknown): [string, string | undefined][] {
  if (Array.isArray(v)) {
    return v.map((e) => {
      const s = str(e) ?? '';
      const at = s.indexOf('=');
      return at < 0 ? [s, undefined] : [s.slice(0, at), s.slice(at + 1)];
    });
  }
  return Object.entries(isObj(v) ? v : {}).map(([k, x]) => [k, x === null ? undefined : str(x)]);
}

function port(v: unknown): ComposePort[] {
  if (isObj(v)) {
    const target = Number(v.target);
    const published = v.published !== undefined ? Number(withDefaults(String(v.published))) : undefined;
    const hostIp = str(v.host_ip) ?? '';
    return Number.isInteger(target)
      ? [
          {
            target,
            ...(published ? { published } : {}),
            protocol: proto(str(v.protocol)),
            local: isLoopback(hostIp),
          },
        ]
      : [];
  }
  const s = withDefaults(str(v) ?? '');
  const [spec = '', protocol] = s.split('/');
  const parts = spec.split(':');
  const target = Number(parts.at(-1)?.split('-')[0]);
  const published = parts.length >= 2 ? Number(parts.at(-2)?.split('-')[0]) : undefined;
  const hostIp = parts.length >= 3 ? parts.slice(0, -2).join(':') : '';
  if (!Number.isInteger(target) || target < 1) return [];
  return [
    {
      target,
      ...(published && Number.isInteger(published) ? { published } : {}),
      protocol: proto(protocol),
      local: isLoopback(hostIp),
    },
  ];
}

const proto = (p: string | undefined): 'tcp' | 'udp' => (p === 'udp' ? 'udp' : 'tcp');
const isLoopback = (ip: string) => /^(127\.|\[?::1\]?$|localhost$)/.test(ip);

function volume(v: unknown): ComposeVolume[] {
  if (isObj(v)) {
    const target = str(v.target);
    if (!target) return [];
    const type = str(v.type);
    return [
      {
        ...(str(v.source) ? { source: withDefaults(str(v.source) as string) } : {}),
        target: withDefaults(target),
        readOnly: v.read_only === true,
        kind: type === 'bind' ? 'bind' : type === 'tmpfs' ? 'tmpfs' : 'volume',
      },
    ];
  }
  const parts = withDefaults(str(v) ?? '').split(':');
  if (parts.length === 1) return [{ target: parts[0] as string, readOnly: false, kind: 'volume' }];
  const [source = '', target = '', mode = ''] = parts;
  const bind = /^[./~]/.test(source);
  return [{ source, target, readOnly: mode.split(',').includes('ro'), kind: bind ? 'bind' : 'volume' }];
}

function healthcheck(h: Json): { healthcheck?: ComposeHealthcheck } {
  if (h.disable === true) return {};
  const test = Array.isArray(h.test)
    ? h.test.map((x) => str(x) ?? '')
    : str(h.test) !== undefined
      ? ['CMD-SHELL', str(h.test) as string]
      : undefined;
  if (test?.[0] === 'NONE') return {};
  const opt = (k: string, key: keyof ComposeHealthcheck) =>
    h[k] !== undefined ? { [key]: seconds(h[k]) } : {};
  return {
    healthcheck: {
      ...(test ? { test } : {}),
      ...opt('interval', 'interval'),
      ...opt('timeout', 'timeout'),
      ...(typeof h.retries === 'number' ? { retries: h.retries } : {}),
      ...opt('start_period', 'startPeriod'),
    },
  };
}

/** A compose duration (`1m30s`, `500ms`, `10`) in whole seconds, rounded up so a check never gets stricter. */
export function seconds(v: unknown): number {
  if (typeof v === 'number') return Math.ceil(v);
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 1e-6, ns: 1e-9 };
  let total = 0;
  for (const m of String(v).matchAll(/(\d+(?:\.\d+)?)(h|ms|us|ns|m|s)?/g)) {
    total += Number(m[1]) * (units[m[2] ?? 's'] ?? 1);
  }
  return Math.ceil(total);
}
