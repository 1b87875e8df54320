// Normalizing pieces shared by workloads and service resources: values, env, ports, volumes, probes.
import { parseTemplate } from '../spec/placeholders.js';
import type { EnvSpecValueV2, PortSpec, ProbeSpec } from '../spec/types-v2.js';
import { outputAliases, type ResourceType } from './resource.js';
import type { Value } from './value.js';
import type { EnvVar, ImageRef, Port, Probe, VolumeMount } from './workload.js';

export const byName = <T extends { name: string }>(a: T, b: T) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/** Parses a template of a schema- and semantics-valid spec (problems were reported before). */
export function template(text: string, types: Map<string, ResourceType>): Value {
  return parseTemplate(text).value.map((p) =>
    p.kind === 'resource'
      ? { ...p, output: outputAliases[types.get(p.resource) ?? 'service']?.[p.output] ?? p.output }
      : p,
  );
}

export function parseImage(ref: string): ImageRef {
  const at = ref.lastIndexOf(':');
  return { repository: ref.slice(0, at), tag: ref.slice(at + 1) };
}

export function envValue(name: string, v: EnvSpecValueV2, types: Map<string, ResourceType>): Value {
  if (typeof v !== 'object')
    return typeof v === 'string' ? template(v, types) : [{ kind: 'text', text: String(v) }];
  if ('secret' in v) return [{ kind: 'secret', secret: name }];
  if ('input' in v) return [{ kind: 'input', input: name }];
  const ref = template(`\${${v.from}}`, types);
  const part = ref[0];
  if (part?.kind !== 'resource' || (v.scheme === undefined && v.query === undefined)) return ref;
  const query = Object.entries(v.query ?? {})
    .map(([k, x]): [string, string] => [k, String(x)])
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return [
    { ...part, url: { ...(v.scheme ? { scheme: v.scheme } : {}), ...(query.length ? { query } : {}) } },
  ];
}

export function env(
  spec: Record<string, EnvSpecValueV2> | undefined,
  types: Map<string, ResourceType>,
): EnvVar[] {
  return Object.entries(spec ?? {})
    .map(([name, v]) => ({ name, value: envValue(name, v, types) }))
    .sort(byName);
}

export function ports(spec: Record<string, number | PortSpec> | undefined, webRole: boolean): Port[] {
  return Object.entries(spec ?? {})
    .map(([name, raw]): Port => {
      const p = typeof raw === 'number' ? { port: raw } : raw;
      const http = p.http ?? name === 'http';
      return {
        name,
        port: p.port,
        protocol: p.protocol ?? 'tcp',
        http,
        public: p.public ?? (http && webRole),
        ...(p.published !== undefined ? { published: p.published } : {}),
      };
    })
    .sort((a, b) => (a.http !== b.http ? (a.http ? -1 : 1) : byName(a, b)));
}

export function volumes(
  spec: Record<string, { volume: string; readOnly?: boolean }> | undefined,
): VolumeMount[] {
  return Object.entries(spec ?? {})
    .map(([path, m]) => ({ volume: m.volume, path, readOnly: m.readOnly ?? false }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

export function probe(spec: ProbeSpec | undefined, portList: Port[]): Probe | undefined {
  if (!spec) return undefined;
  const portOf = (p: number | string | undefined) =>
    typeof p === 'number' ? p : (portList.find((x) => (p === undefined ? x.http : x.name === p))?.port ?? 0);
  const timing = {
    interval: spec.interval ?? 10,
    timeout: spec.timeout ?? 5,
    retries: spec.retries ?? 3,
    startPeriod: spec.startPeriod ?? 0,
  };
  if (spec.http) {
    const { path, port, scheme, tool } = spec.http;
    return {
      check: { kind: 'http', path, port: portOf(port), scheme: scheme ?? 'http', ...(tool ? { tool } : {}) },
      ...timing,
    };
  }
  if (spec.exec) return { check: { kind: 'exec', command: spec.exec.command }, ...timing };
  const tool = spec.tcp?.tool;
  return { check: { kind: 'tcp', port: portOf(spec.tcp?.port), ...(tool ? { tool } : {}) }, ...timing };
}
