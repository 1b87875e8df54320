// Cross-field checks of a version 2 spec that JSON Schema cannot express: names, roles, ports, probes,
// ordering, volumes and resource keys. Reads the document defensively so it runs in the same round as the
// schema check; references inside values are checked by references-v2.ts.
import { closest } from './errors.js';
import { checkReferences, declarations } from './references-v2.js';
import type { SpecError } from './types.js';
import { entries, type Json, obj, str, token } from './walk.js';

const typeKeys: Record<string, string[]> = {
  postgres: ['image', 'version', 'external', 'database', 'username'],
  redis: ['image', 'version', 'external', 'config', 'persistence'],
  s3: ['image', 'version', 'external', 'bucket', 'region', 'public'],
  amqp: ['image', 'version', 'external', 'vhost', 'username'],
  volume: [],
  service: ['image', 'command', 'args', 'env', 'ports', 'volumes', 'probes', 'outputs'],
};

export function checkSemanticsV2(spec: unknown): SpecError[] {
  const root = obj(spec);
  const errors: SpecError[] = [];
  const decl = declarations(root);
  const workloads = entries(root.workloads);
  const resources = entries(root.resources);

  for (const [id] of resources) {
    if (decl.workloads.has(id)) {
      errors.push({
        pointer: `/resources/${token(id)}`,
        message: `"${id}" is also a workload name`,
        hint: 'workloads and resources become services of one network; give them distinct names',
      });
    }
  }
  for (const [id, raw] of resources) errors.push(...checkResource(id, obj(raw)));

  const releases = workloads.filter(([name, w]) => role(name, obj(w)) === 'release');
  for (const [name] of releases.slice(1)) {
    errors.push({
      pointer: `/workloads/${token(name)}/role`,
      message: 'only one release workload is allowed',
    });
  }
  for (const [name, raw] of workloads) errors.push(...checkWorkload(name, obj(raw), root, decl));
  errors.push(...checkReferences(root, decl));
  return errors;
}

/** The role a workload gets: explicit, else by name (`release`, `web`), else web when it has an HTTP port. */
export function role(name: string, w: Json): string {
  const explicit = str(w.role);
  if (explicit) return explicit;
  if (name === 'release' || name === 'web') return name;
  return entries(w.ports).some(([pn, p]) => isHttp(pn, p)) ? 'web' : 'worker';
}

export function isHttp(name: string, port: unknown): boolean {
  const http = obj(port).http;
  return typeof http === 'boolean' ? http : name === 'http';
}

function checkResource(id: string, r: Json): SpecError[] {
  const at = `/resources/${token(id)}`;
  const type = str(r.type) ?? '';
  const allowed = typeKeys[type];
  if (!allowed) return [];
  const errors: SpecError[] = [];
  for (const key of Object.keys(r)) {
    if (key === 'type' || allowed.includes(key)) continue;
    const owners = Object.entries(typeKeys).flatMap(([t, keys]) => (keys.includes(key) ? [t] : []));
    errors.push({
      pointer: `${at}/${token(key)}`,
      message: `does not apply to a ${type} resource`,
      ...(owners.length > 0 ? { hint: `only for ${owners.join(', ')}` } : {}),
    });
  }
  if (r.image !== undefined && r.version !== undefined) {
    errors.push({
      pointer: `${at}/version`,
      message: 'give either image (with its tag) or version (a tag of the default image)',
    });
  }
  if (type === 'service' && r.image === undefined) {
    errors.push({ pointer: `${at}/image`, message: 'is required for a service resource' });
  }
  return errors;
}

function checkWorkload(
  name: string,
  w: Json,
  root: Json,
  decl: ReturnType<typeof declarations>,
): SpecError[] {
  const at = `/workloads/${token(name)}`;
  const errors: SpecError[] = [];
  const kind = role(name, w);
  const ports = entries(w.ports);
  const replicas = typeof w.replicas === 'number' ? w.replicas : 1;

  if (
    w.image === undefined &&
    w.build === undefined &&
    root.image === undefined &&
    root.build === undefined
  ) {
    errors.push({
      pointer: `${at}/image`,
      message: 'is required: the workload names no image and the spec has no top-level image or build',
    });
  }
  const publicHttp = ports.filter(([pn, p]) => isHttp(pn, p) && obj(p).public !== false);
  if (kind === 'web' && publicHttp.length > 1) {
    errors.push({ pointer: `${at}/ports`, message: 'a web workload has at most one public HTTP port' });
  }
  if (kind !== 'web' && ports.some(([pn, p]) => isHttp(pn, p) && obj(p).public === true)) {
    errors.push({
      pointer: `${at}/ports`,
      message: `a ${kind} workload has no public HTTP port`,
      hint: 'set role: web, or make the port internal',
    });
  }
  for (const [pn, p] of ports) {
    if (isHttp(pn, p) && obj(p).protocol === 'udp') {
      errors.push({ pointer: `${at}/ports/${token(pn)}/protocol`, message: 'an HTTP port uses tcp' });
    }
  }
  if (kind === 'release') {
    if (replicas > 1) errors.push({ pointer: `${at}/replicas`, message: 'a release step runs once' });
    if (ports.length > 0) errors.push({ pointer: `${at}/ports`, message: 'a release step serves no port' });
  }
  if (replicas > 1 && entries(w.volumes).length > 0) {
    errors.push({
      pointer: `${at}/volumes`,
      message: 'a workload with volumes cannot run several replicas',
      hint: 'keep state in resources (Postgres, Redis, S3) or set replicas to 1',
    });
  }
  for (const [path, mount] of entries(w.volumes)) {
    const volume = str(obj(mount).volume);
    if (volume !== undefined && decl.resources.get(volume) !== 'volume') {
      errors.push({
        pointer: `${at}/volumes/${token(path)}/volume`,
        message: `"${volume}" is not a volume resource`,
        hint: `declare resources.${volume}: {type: volume}`,
      });
    }
  }
  for (const probe of ['liveness', 'readiness']) {
    errors.push(...checkProbe(`${at}/probes/${probe}`, obj(obj(w.probes)[probe]), w, probe in obj(w.probes)));
  }
  for (const [dep, condition] of entries(w.dependsOn)) {
    const pointer = `${at}/dependsOn/${token(dep)}`;
    const isWorkload = decl.workloads.has(dep);
    const resourceType = decl.resources.get(dep);
    if (dep === name) errors.push({ pointer, message: 'a workload cannot wait for itself' });
    else if (!isWorkload && resourceType === undefined) {
      const near = closest(dep, [...decl.workloads, ...decl.resources.keys()]);
      errors.push({
        pointer,
        message: `"${dep}" is neither a workload nor a resource`,
        ...(near ? { hint: `did you mean "${near}"?` } : {}),
      });
    } else if (resourceType === 'volume') {
      errors.push({ pointer, message: 'a volume is not a service to wait for' });
    } else if (decl.external.has(dep)) {
      errors.push({
        pointer,
        message: `"${dep}" is external: the target does not run it, so cannot wait for it`,
      });
    } else if (condition === 'completed' && !isWorkload) {
      errors.push({ pointer, message: 'only a workload (a release step) completes' });
    } else if (condition === 'healthy' && isWorkload && obj(obj(root.workloads)[dep]).probes === undefined) {
      errors.push({ pointer, message: `workload "${dep}" has no probe, so never becomes healthy` });
    }
  }
  return errors;
}

function checkProbe(at: string, p: Json, w: Json, present: boolean): SpecError[] {
  if (!present) return [];
  const kinds = ['http', 'exec', 'tcp'].filter((k) => p[k] !== undefined);
  if (kinds.length !== 1) {
    return [{ pointer: at, message: 'needs exactly one check', expected: 'one of http, exec, tcp' }];
  }
  const check = obj(p[kinds[0]!]);
  const port = check.port;
  const names = Object.keys(obj(w.ports));
  if (typeof port === 'string' && !names.includes(port)) {
    const near = closest(port, names);
    return [
      {
        pointer: `${at}/${kinds[0]}/port`,
        message: `no port named "${port}"`,
        expected: `one of ${names.join(', ') || '(no ports)'}`,
        ...(near ? { hint: `did you mean "${near}"?` } : {}),
      },
    ];
  }
  if (kinds[0] === 'http' && port === undefined && !entries(w.ports).some(([n, x]) => isHttp(n, x))) {
    return [{ pointer: `${at}/http/port`, message: 'is required: the workload has no HTTP port' }];
  }
  return [];
}
