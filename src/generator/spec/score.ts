// Maps a Score v1b1 workload (score.dev) onto a version 2 spec: containers become workloads, service ports
// their ports, typed resources ours, `before` the ordering. What has no place in the model is listed as
// ignored (a warning); what would make the app not run is an error with its Score pointer.
import type { ModelSource } from '../model/app.js';
import type { SpecError } from './types.js';
import type { AppSpecV2, PortSpec, ProbeSpec, ResourceSpec, WorkloadSpec } from './types-v2.js';
import { entries, type Json, obj, str, strings, token } from './walk.js';

const supported = new Set(['postgres', 'redis', 's3', 'amqp', 'volume']);

export interface ScoreMapping {
  spec: AppSpecV2;
  source: ModelSource;
  errors: SpecError[];
}

export function mapScore(doc: Json): ScoreMapping {
  const ignored: ModelSource['ignored'] = [];
  const errors: SpecError[] = [];
  const meta = obj(doc.metadata);
  const name = str(meta.name) ?? 'app';
  const annotations = obj(meta.annotations);
  const resources: Record<string, ResourceSpec> = {};
  const dns = new Set<string>();
  const routePorts = new Set<number>();

  for (const [id, raw] of entries(doc.resources)) {
    const r = obj(raw);
    const type = str(r.type) ?? '';
    const at = `/resources/${token(id)}`;
    if (type === 'dns') dns.add(id);
    else if (type === 'route') {
      const port = obj(r.params).port;
      if (typeof port === 'number') routePorts.add(port);
      ignored.push({ pointer: at, message: 'route: the platform routes its domain to the public HTTP port' });
    } else if (supported.has(type)) resources[id] = { type: type as ResourceSpec['type'] };
    else {
      errors.push({
        pointer: `${at}/type`,
        message: `resource type "${type}" has no provisioner`,
        expected: 'postgres, redis, s3, amqp, volume, dns or route',
        hint: 'describe it as a `service` resource in a paasport version 2 spec',
      });
    }
    for (const key of ['class', 'id', 'params', 'metadata'] as const) {
      if (r[key] !== undefined && type !== 'route') {
        ignored.push({
          pointer: `${at}/${key}`,
          message: `resource ${key} is not used by paasport provisioners`,
        });
      }
    }
  }
  if (dns.size > 0) {
    ignored.push({ pointer: '/resources', message: `dns resources read as the app's host (\${app.host})` });
  }
  const rewrite = (t: string) =>
    t.replace(/\$\{resources\.([a-z0-9-]+)\.host\}/g, (m, id: string) => (dns.has(id) ? `\${app.host}` : m));

  const containers = entries(doc.containers);
  const servicePorts = entries(obj(doc.service).ports);
  const completes = new Set<string>();
  for (const [, c] of containers) {
    for (const [other, b] of entries(obj(c).before)) if (obj(b).ready === 'complete') completes.add(other);
  }
  // Service ports belong to the workload's shared network; give them to the first long-running container.
  const portOwner = (containers.find(([n]) => !completes.has(n)) ?? containers[0])?.[0];
  if (containers.length > 1) {
    ignored.push({
      pointer: '/containers',
      message: `Score containers share one network namespace; each becomes its own service, reached by name, and service ports go to ${portOwner}`,
    });
  }

  const workloads: Record<string, WorkloadSpec> = {};
  for (const [cname, raw] of containers) {
    const c = obj(raw);
    const at = `/containers/${token(cname)}`;
    const w: WorkloadSpec = {};
    const image = str(c.image) ?? '';
    if (image === '.') w.build = { context: '.' };
    else if (
      /:[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(image.split('/').at(-1) ?? '') &&
      !image.endsWith(':latest')
    ) {
      w.image = image;
    } else {
      errors.push({
        pointer: `${at}/image`,
        message: `"${image}" has no pinned tag`,
        hint: 'pin a version such as nginx:1.27',
      });
    }
    if (c.command) w.command = strings(c.command).map(rewrite);
    if (c.args) w.args = strings(c.args).map(rewrite);
    const variables = entries(c.variables);
    if (variables.length > 0) w.env = Object.fromEntries(variables.map(([k, v]) => [k, rewrite(String(v))]));
    for (const [k] of variables) {
      if (!/^[A-Z][A-Z0-9_]*$/.test(k)) {
        errors.push({
          pointer: `${at}/variables/${token(k)}`,
          message: 'is not a valid name',
          expected: 'UPPER_SNAKE_CASE',
        });
      }
    }
    mapFiles(c.files, at, w, ignored, rewrite);
    mapVolumes(c.volumes, at, w, ignored, errors, resources);
    const limits = obj(obj(c.resources).limits);
    const requests = obj(obj(c.resources).requests);
    if (Object.keys(limits).length > 0) w.limits = limits;
    if (Object.keys(requests).length > 0) w.requests = requests;
    const liveness = probe(c.livenessProbe, `${at}/livenessProbe`, ignored);
    const readiness = probe(c.readinessProbe, `${at}/readinessProbe`, ignored);
    if (liveness || readiness)
      w.probes = { ...(liveness ? { liveness } : {}), ...(readiness ? { readiness } : {}) };
    const deps = entries(c.before).map(([other, b]): [string, 'started' | 'healthy' | 'completed'] => {
      const ready = str(obj(b).ready);
      return [other, ready === 'complete' ? 'completed' : ready === 'healthy' ? 'healthy' : 'started'];
    });
    if (deps.length > 0) w.dependsOn = Object.fromEntries(deps);
    if (cname === portOwner && servicePorts.length > 0) w.ports = ports(servicePorts, routePorts);
    w.role = completes.has(cname)
      ? 'release'
      : Object.values(w.ports ?? {}).some((p) => typeof p === 'object' && p.http)
        ? 'web'
        : 'worker';
    workloads[cname] = w;
  }

  const description =
    str(annotations['paasport.dev/description']) ?? `${name}, deployed from its Score file.`;
  const spec: AppSpecV2 = {
    version: 2,
    name,
    description: description.slice(0, 200),
    workloads,
    ...(Object.keys(resources).length > 0 ? { resources } : {}),
  };
  return { spec, source: { format: 'score', ignored }, errors };
}

function ports(list: [string, unknown][], routes: Set<number>): Record<string, PortSpec> {
  const httpName = list.find(
    ([n, p]) => routes.has(obj(p).port as number) || n === 'http' || n === 'web',
  )?.[0];
  return Object.fromEntries(
    list.map(([n, raw]) => {
      const p = obj(raw);
      const port = typeof p.targetPort === 'number' ? p.targetPort : (p.port as number);
      const http = n === httpName && p.protocol !== 'UDP';
      const spec: PortSpec = {
        port,
        http,
        public: http,
        ...(p.protocol === 'UDP' ? { protocol: 'udp' as const } : {}),
        ...(typeof p.port === 'number' && p.port !== port ? { published: p.port } : {}),
      };
      return [n, spec];
    }),
  );
}

function probe(raw: unknown, at: string, ignored: ModelSource['ignored']): ProbeSpec | undefined {
  if (raw === undefined) return undefined;
  const p = obj(raw);
  const exec = obj(p.exec);
  if (p.exec !== undefined) return { exec: { command: strings(exec.command) } };
  const http = obj(p.httpGet);
  for (const key of ['host', 'httpHeaders']) {
    if (http[key] !== undefined)
      ignored.push({
        pointer: `${at}/httpGet/${key}`,
        message: 'not carried by compose-style health checks',
      });
  }
  return {
    http: {
      path: str(http.path) ?? '/',
      port: http.port as number,
      ...(http.scheme === 'HTTPS' ? { scheme: 'https' as const } : {}),
    },
  };
}

function mapFiles(
  raw: unknown,
  at: string,
  w: WorkloadSpec,
  ignored: ModelSource['ignored'],
  rewrite: (t: string) => string,
) {
  const list: [string, Json][] = Array.isArray(raw)
    ? raw.map((f) => [str(obj(f).target) ?? '', obj(f)])
    : entries(raw).map(([k, f]) => [k, obj(f)]);
  for (const [target, f] of list) {
    const pointer = `${at}/files/${token(target)}`;
    if (typeof f.content !== 'string') {
      ignored.push({
        pointer,
        message: 'only inline `content` files are carried; inline the source or binary content',
      });
      continue;
    }
    w.files ??= {};
    w.files[target] = {
      content: f.noExpand === true ? f.content : rewrite(f.content),
      ...(typeof f.mode === 'string' ? { mode: f.mode } : {}),
      ...(f.noExpand === true ? { noExpand: true } : {}),
    };
  }
}

function mapVolumes(
  raw: unknown,
  at: string,
  w: WorkloadSpec,
  ignored: ModelSource['ignored'],
  errors: SpecError[],
  resources: Record<string, ResourceSpec>,
) {
  const list: [string, Json][] = Array.isArray(raw)
    ? raw.map((v) => [str(obj(v).target) ?? '', obj(v)])
    : entries(raw).map(([k, v]) => [k, obj(v)]);
  for (const [target, v] of list) {
    const pointer = `${at}/volumes/${token(target)}`;
    const id = /^\$\{resources\.([a-z0-9-]+)\}$/.exec(str(v.source) ?? '')?.[1];
    if (!id || resources[id]?.type !== 'volume') {
      errors.push({
        pointer: `${pointer}/source`,
        message: `must be \${resources.<id>} of a volume resource`,
      });
      continue;
    }
    if (v.path !== undefined)
      ignored.push({ pointer: `${pointer}/path`, message: 'volume sub-paths are not carried' });
    w.volumes ??= {};
    w.volumes[target] = { volume: id, ...(v.readOnly === true ? { readOnly: true } : {}) };
  }
}
