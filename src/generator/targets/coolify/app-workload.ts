// A workload or a generic service resource as a Coolify compose service: image (build in the Git file),
// entrypoint and command, env with the domain declaration of public web workloads, published non-HTTP
// ports, volumes, config files (compose `configs:` with interpolated content), ordering, health check.
import type { ServiceResource } from '../../model/resource.js';
import { refsOf, type Value } from '../../model/value.js';
import { imageString, type Workload } from '../../model/workload.js';
import { probeHealthcheck } from '../shared/compose-probe.js';
import { magicNames, urlName } from './app-magic.js';
import {
  type CoolCtx,
  type CoolUnit,
  envList,
  isWebApp,
  publish,
  renderCool,
  type Service,
  serviceName,
} from './app-values.js';

const conditions = {
  started: 'service_started',
  healthy: 'service_healthy',
  completed: 'service_completed_successfully',
};

/**
 * Env entries, plus one entry for each magic variable the service reads only elsewhere (command, files):
 * Coolify generates a magic value only when `environment:` names it.
 */
function environment(
  env: { name: string; value: Value }[],
  elsewhere: string[],
  ctx: CoolCtx,
  declarations: string[],
) {
  const entries: [string, string][] = env.map((e) => [e.name, renderCool(e.value, ctx)]);
  const named = new Set(entries.flatMap(([, v]) => magicNames(v)));
  const keys = new Set(entries.map(([k]) => k));
  for (const magic of elsewhere.flatMap(magicNames)) {
    if (named.has(magic) || declarations.some((d) => d.startsWith(magic))) continue;
    let key = magic.replace(/^SERVICE_/, '');
    while (keys.has(key)) key = `${key}_VALUE`;
    entries.push([key, `\${${magic}}`]);
    keys.add(key);
    named.add(magic);
  }
  return envList(entries, declarations);
}

function dependsOn(w: Workload, values: Value[], ctx: CoolCtx): Record<string, { condition: string }> {
  const deps = new Map<string, string>();
  for (const id of new Set(values.flatMap((v) => refsOf(v, 'resource').map((r) => r.resource)))) {
    const r = ctx.app.resources.find((x) => x.id === id);
    if (!r || r.external || r.type === 'volume') continue;
    deps.set(id, r.type === 'service' && !r.liveness ? conditions.started : conditions.healthy);
    const job = ctx.initJobs.get(id);
    if (job) deps.set(job, conditions.completed);
  }
  const release = ctx.app.workloads.find((x) => x.role === 'release');
  if (release && w.role !== 'release') deps.set(release.name, conditions.completed);
  for (const d of w.dependsOn) {
    const on = 'workload' in d.on ? serviceName(ctx.app, d.on.workload) : d.on.resource;
    deps.set(on, conditions[d.condition]);
  }
  return Object.fromEntries(
    [...deps.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, c]) => [n, { condition: c }]),
  );
}

export function configName(w: Workload, path: string): string {
  return `${w.name}-${path
    .replace(/^\//, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/-+$/, '')}`.toLowerCase();
}

export interface WorkloadUnit {
  service: Service;
  configs: Record<string, string>;
}

export function workloadService(w: Workload, ctx: CoolCtx): WorkloadUnit {
  const owner = `workloads.${w.name}`;
  const name = serviceName(ctx.app, w.name);
  const http = isWebApp(w) ? w.ports.find((p) => p.http && p.public) : undefined;
  const command = w.command?.map((v) => renderCool(v, ctx));
  const args = w.args?.map((v) => renderCool(v, ctx));
  const configs: Record<string, string> = {};
  const mounts = w.files.map((f) => {
    const config = configName(w, f.path);
    configs[config] = renderCool(f.content, ctx);
    return { source: config, target: f.path };
  });
  const declarations = http ? [`SERVICE_URL_${urlName(name)}_${http.port}`] : [];
  const published = w.ports.filter((p) => p.public && p !== http).map((p) => publish(owner, p, ctx));
  const health = probeHealthcheck([w.readiness, w.liveness], owner, ctx.report);
  if (!health && w.role !== 'release') {
    ctx.report.warn(`${owner}.probes`, 'no probe: Coolify shows the health of this service as unknown');
  }
  const deps = dependsOn(
    w,
    [...(w.command ?? []), ...(w.args ?? []), ...w.env.map((e) => e.value), ...w.files.map((f) => f.content)],
    ctx,
  );
  const build =
    ctx.git && w.build ? { build: { context: w.build.context, dockerfile: w.build.dockerfile } } : undefined;
  if (w.requests) {
    ctx.report.warn(
      `${owner}.requests`,
      'Coolify sets resource limits only; the requests are not set (no reservations)',
    );
  }
  if (!build && !w.image) {
    ctx.report.fail(
      `${owner}.image`,
      'a Coolify template pulls images and cannot build one',
      'publish the image (image: repository:tag)',
    );
  }
  const service: Service = {
    ...(build ?? (w.image ? { image: imageString(w.image) } : {})),
    ...(command ? { entrypoint: command } : {}),
    ...(args ? { command: args } : {}),
    environment: environment(
      w.env,
      [...(command ?? []), ...(args ?? []), ...Object.values(configs)],
      ctx,
      declarations,
    ),
    ...(published.length > 0 ? { ports: published } : {}),
    ...(w.volumes.length > 0
      ? { volumes: w.volumes.map((v) => `${v.volume}:${v.path}${v.readOnly ? ':ro' : ''}`) }
      : {}),
    ...(mounts.length > 0 ? { configs: mounts } : {}),
    ...(Object.keys(deps).length > 0 ? { depends_on: deps } : {}),
    ...(health ? { healthcheck: health } : {}),
    // Coolify restarts every service unless told otherwise; a release step runs once.
    ...(w.role === 'release' ? { restart: 'no' } : {}),
    stop_grace_period: `${w.stopGracePeriod}s`,
    ...(w.limits ? { deploy: { resources: { limits: limits(w.limits) } } } : {}),
  };
  return { service, configs };
}

/** Score/Kubernetes quantities in compose terms: `500m` CPUs -> `0.5`; memory units pass through. */
function limits(l: { cpu?: string; memory?: string }): Record<string, string> {
  const cpus = l.cpu?.endsWith('m') ? String(Number.parseInt(l.cpu, 10) / 1000) : l.cpu;
  return { ...(cpus ? { cpus } : {}), ...(l.memory ? { memory: l.memory } : {}) };
}

export function genericService(r: ServiceResource, ctx: CoolCtx): CoolUnit {
  const owner = `resources.${r.id}`;
  const http = r.ports.find((p) => p.http && p.public);
  const command = r.command?.map((v) => renderCool(v, ctx));
  const args = r.args?.map((v) => renderCool(v, ctx));
  const published = r.ports.filter((p) => p.public && p !== http).map((p) => publish(owner, p, ctx));
  const health = r.liveness ? probeHealthcheck([r.liveness], owner, ctx.report) : undefined;
  if (!health)
    ctx.report.warn(`${owner}.probes`, 'no probe: Coolify shows the health of this service as unknown');
  return {
    services: {
      [r.id]: {
        image: imageString(r.image),
        ...(command ? { entrypoint: command } : {}),
        ...(args ? { command: args } : {}),
        environment: environment(
          r.env,
          [...(command ?? []), ...(args ?? [])],
          ctx,
          http ? [`SERVICE_URL_${urlName(r.id)}_${http.port}`] : [],
        ),
        ...(published.length > 0 ? { ports: published } : {}),
        ...(r.volumes.length > 0
          ? { volumes: r.volumes.map((v) => `${v.volume}:${v.path}${v.readOnly ? ':ro' : ''}`) }
          : {}),
        ...(health ? { healthcheck: health } : {}),
      },
    },
    volumes: [],
  };
}
