// One workload as a compose or Swarm service, plus the config files it mounts. Ordering is compose-only:
// Swarm ignores depends_on, which the Swarm emitter explains instead.
import type { Resource } from '../../model/resource.js';
import { refsOf, type Value } from '../../model/value.js';
import type { Workload } from '../../model/workload.js';
import { sortedRecord } from '../../render/text.js';
import { probeHealthcheck } from './compose-probe.js';
import { imageOrBuild, serviceTail } from './compose-service.js';
import { type ComposeCtx, renderCompose, type Service } from './compose-values.js';
import { swarmTemplate } from './swarm-config.js';

export interface WorkloadUnit {
  service: Service;
  /** Config name -> content (compose `configs: {name: {content}}`). */
  configs: Record<string, string>;
}

const conditions = {
  started: 'service_started',
  healthy: 'service_healthy',
  completed: 'service_completed_successfully',
} as const;

export function workloadValues(w: Workload): Value[] {
  return [
    ...(w.command ?? []),
    ...(w.args ?? []),
    ...w.env.map((e) => e.value),
    ...w.files.map((f) => f.content),
  ];
}

/** Waits: explicit dependsOn, then the resources the workload reads (healthy) and the release step. */
function dependsOn(w: Workload, ctx: ComposeCtx): Record<string, { condition: string }> {
  const deps = new Map<string, string>();
  const used = new Set(workloadValues(w).flatMap((v) => refsOf(v, 'resource').map((r) => r.resource)));
  for (const id of used) {
    const r = ctx.app.resources.find((x) => x.id === id) as Resource;
    if (r.type === 'volume') continue;
    deps.set(id, r.type === 'service' && !r.liveness ? conditions.started : conditions.healthy);
    const init = ctx.initJobs.get(id);
    if (init) deps.set(init, conditions.completed);
  }
  const release = ctx.app.workloads.find((x) => x.role === 'release');
  if (release && w.role !== 'release') deps.set(release.name, conditions.completed);
  for (const d of w.dependsOn) {
    deps.set('workload' in d.on ? d.on.workload : d.on.resource, conditions[d.condition]);
  }
  return Object.fromEntries(
    [...deps.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, condition]) => [name, { condition }]),
  );
}

export function configName(w: Workload, path: string): string {
  const slug = path
    .replace(/^\//, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/-+$/, '');
  return `${w.name}-${slug}`.toLowerCase();
}

export function workloadService(w: Workload, ctx: ComposeCtx): WorkloadUnit {
  const owner = `workloads.${w.name}`;
  const render = (v: Value) => renderCompose(v, ctx);
  const published = w.ports.filter((p) => p.public);
  const stateful = w.volumes.length > 0;
  const composeReplicas = ctx.flavor === 'compose' && published.length > 0 ? 1 : w.replicas;
  if (composeReplicas !== w.replicas) {
    ctx.report.warn(
      `${owner}.replicas`,
      `plain compose runs one container of a workload that publishes ports; use the Swarm stack for ${w.replicas} replicas`,
    );
  }
  const health = probeHealthcheck([w.liveness, w.readiness], owner, ctx.report);
  const configs: Record<string, string> = {};
  const templateEnv: Record<string, string> = {};
  const mounts = w.files.map((f) => {
    const name = configName(w, f.path);
    if (ctx.flavor === 'swarm') {
      const template = swarmTemplate(f.content, ctx);
      configs[name] = template.text;
      Object.assign(templateEnv, template.env);
      return { source: name, target: f.path, ...(f.mode ? { mode: Number.parseInt(f.mode, 8) } : {}) };
    }
    configs[name] = render(f.content);
    // Compose (outside Swarm) ignores a config's mode: the file is read-only to everyone.
    if (f.mode && /[1357]/.test(f.mode)) {
      ctx.report.warn(
        `${owner}.files.${f.path}`,
        `mode ${f.mode} is not applied by compose; the file is not executable`,
      );
    }
    return { source: name, target: f.path };
  });
  const environment = {
    ...Object.fromEntries(w.env.map((e) => [e.name, render(e.value)])),
    ...templateEnv,
  };
  const deps = ctx.flavor === 'compose' ? dependsOn(w, ctx) : {};
  const service: Service = {
    ...imageOrBuild(w, ctx),
    ...(w.command ? { entrypoint: w.command.map(render) } : {}),
    ...(w.args ? { command: w.args.map(render) } : {}),
    ...(Object.keys(environment).length > 0 ? { environment: sortedRecord(environment) } : {}),
    ...(published.length > 0 ? { ports: published.map((p) => ctx.publish(`workload ${w.name}`, p)) } : {}),
    ...(stateful ? { volumes: w.volumes.map((v) => `${v.volume}:${v.path}${v.readOnly ? ':ro' : ''}`) } : {}),
    ...(mounts.length > 0 ? { configs: mounts } : {}),
    ...(Object.keys(deps).length > 0 ? { depends_on: deps } : {}),
    ...(health ? { healthcheck: health } : {}),
    stop_grace_period: `${w.stopGracePeriod}s`,
    ...serviceTail(ctx, w.role === 'release' ? 'release' : 'workload', composeReplicas, {
      ...(w.limits ? { limits: w.limits } : {}),
      ...(w.requests ? { requests: w.requests } : {}),
      pinned: stateful,
      rolling: w.role === 'web',
    }),
  };
  return { service, configs };
}
