// Builds a version 2 spec from a parsed compose file: resources first (so the other services' env can refer to
// them), then one workload per remaining service (web with a published port, worker without, a one-shot
// service as the release step), named volumes as volume resources, and env every workload shares hoisted.
import type { AppSpecV2, InputSpec, ResourceSpec, SecretSpec, WorkloadSpec } from '../spec/types-v2.js';
import { pinImage } from './classify.js';
import type { ValueContext } from './env-map.js';
import type { Findings } from './findings.js';
import type { ComposeFile, ComposeService } from './parse.js';
import { buildResource, idOf, isResource, type ResourceInfo } from './resources.js';
import { commands, environment, mounts, ports, probe, type VolumeIds } from './workloads.js';

const migrateLike = /\b(migrat\w*|db:prepare|db:migrate|db:setup|upgrade\s+head|createdb|collectstatic)\b/;

const unmappedKeys: Record<string, string> = {
  user: 'the spec runs the image as its own user; set USER in the image',
  ulimits: 'the spec has no ulimits',
  networks: 'all services of a spec share one network',
  container_name: 'each target names its containers itself',
  links: 'services reach each other by name on the shared network',
  labels: 'labels are target-specific (each target writes its own)',
  logging: 'each platform collects logs itself',
  privileged: 'the spec runs no privileged containers',
  cap_add: 'the spec adds no kernel capabilities',
  expose: 'declare the port under ports instead',
  working_dir: 'the spec keeps the image working directory',
  extra_hosts: 'the spec has no extra host entries',
  secrets: 'compose secrets are files; use env with secrets.<ID> instead',
  configs: 'compose configs are files; put the content under files.<path>',
};

/** Compose services run once (restart "no", awaited with service_completed_successfully, or migrations). */
function oneShots(services: ComposeService[]): Set<string> {
  const awaited = new Set(
    services.flatMap((s) =>
      s.dependsOn.filter(([, c]) => c === 'service_completed_successfully').map(([d]) => d),
    ),
  );
  return new Set(
    services
      .filter((s) => !isResource(s))
      .filter(
        (s) =>
          awaited.has(s.name) ||
          s.restart === 'no' ||
          (s.ports.length === 0 &&
            migrateLike.test([...(s.entrypoint ?? []), ...(s.command ?? [])].join(' '))),
      )
      .map((s) => s.name),
  );
}

export function buildSpec(
  compose: ComposeFile,
  appName: string,
  file: string,
  findings: Findings,
): AppSpecV2 {
  const inputs: Record<string, InputSpec> = {};
  const secrets: Record<string, SecretSpec> = {};
  const infos: ResourceInfo[] = compose.services.filter(isResource).map((s) => buildResource(s, findings));
  const apps = compose.services.filter((s) => !isResource(s));
  const once = [...oneShots(compose.services)];
  const release = once[0];
  for (const extra of once.slice(1)) {
    findings.skip(
      `services.${extra}`,
      `runs once, and a spec has one release step (${release}); run it by hand`,
    );
  }
  const roles = new Map(
    apps
      .filter((s) => !once.slice(1).includes(s.name))
      .map((s) => [
        s.name,
        s.name === release ? 'release' : s.ports.some((p) => !p.local) ? 'web' : 'worker',
      ]),
  );
  const ctx: ValueContext = {
    resources: infos,
    findings,
    inputs,
    secrets,
    appName,
    webPorts: apps
      .filter((s) => roles.get(s.name) === 'web')
      .flatMap((s) => s.ports.map((p) => p.published ?? p.target)),
  };
  const taken = new Set([...infos.map((r) => r.id), ...[...roles.keys()].map(idOf)]);
  const volumeIds: VolumeIds = new Map();
  const workloads: Record<string, WorkloadSpec> = {};
  const resources: Record<string, ResourceSpec> = {};
  const probed = new Set<string>();

  for (const r of infos) {
    resources[r.id] = r.spec;
    if (r.kind !== 'service') continue;
    const at = `services.${r.service.name}`;
    const portMap = ports(r.service, 'worker');
    if (Object.keys(portMap).length === 0 && r.port) portMap[`port-${r.port}`] = r.port;
    const liveness = r.service.healthcheck ? probe(r.service.healthcheck, portMap, ctx) : undefined;
    if (liveness) probed.add(r.id);
    const env = environment(r.service, at, ctx);
    const volumes = mounts(r.service, at, volumeIds, findings);
    Object.assign(r.spec, {
      ...commands(r.service, at, ctx),
      ...(env ? { env } : {}),
      ...(Object.keys(portMap).length > 0 ? { ports: portMap } : {}),
      ...(volumes ? { volumes } : {}),
      ...(liveness ? { probes: { liveness } } : {}),
    });
    if (r.service.ports.some((p) => p.published && !p.local)) {
      findings.change(
        `${at}.ports`,
        'a service resource is reachable by the app only; its ports are internal',
      );
    }
  }

  for (const s of apps) {
    const role = roles.get(s.name);
    if (!role) continue;
    const at = `services.${s.name}`;
    const id = idOf(s.name);
    const w: WorkloadSpec = {};
    if (role === 'release' || (role === 'worker' && id === 'web')) w.role = role as WorkloadSpec['role'];
    if (role === 'web' && id !== 'web') w.role = 'web';
    if (s.image) {
      const pinned = pinImage(s.image);
      w.image = pinned.ref;
      if (pinned.note) findings.change(`${at}.image`, pinned.note);
    }
    if (s.build) {
      const context =
        s.build.context === '.' ? '.' : `./${s.build.context.replace(/^\.\//, '').replace(/\/$/, '')}`;
      w.build = { context, ...(s.build.dockerfile ? { dockerfile: s.build.dockerfile } : {}) };
    }
    Object.assign(w, commands(s, at, ctx));
    const env = environment(s, at, preferring(ctx, s));
    if (env) w.env = env;
    const portMap = role === 'release' ? {} : ports(s, role as string);
    if (role === 'release' && s.ports.length > 0)
      findings.skip(`${at}.ports`, 'a release step serves no port');
    if (Object.keys(portMap).length > 0) w.ports = portMap;
    const volumes = mounts(s, at, volumeIds, findings);
    if (volumes) w.volumes = volumes;
    const liveness = s.healthcheck ? probe(s.healthcheck, portMap, ctx) : undefined;
    if (liveness) {
      w.probes = { liveness };
      probed.add(id);
    }
    if (s.replicas && s.replicas > 1 && role !== 'release') w.replicas = Math.min(50, s.replicas);
    if (s.limits) w.limits = s.limits;
    if (s.stopGracePeriod) w.stopGracePeriod = Math.max(1, Math.min(3600, s.stopGracePeriod));
    workloads[id] = w;
  }

  for (const [key, id0] of volumeIds) {
    let id = id0;
    while (taken.has(id)) id = `${id}-data`.slice(0, 30);
    taken.add(id);
    volumeIds.set(key, id);
    resources[id] = { type: 'volume' };
    for (const target of [...Object.values(workloads), ...Object.values(resources)]) {
      for (const m of Object.values(target.volumes ?? {})) if (m.volume === id0) m.volume = id;
    }
  }

  dependencies(apps, roles, infos, probed, workloads, findings);
  // One line per key, naming every service that has it (`networks` is often on all of them).
  const owners = new Map<string, string[]>();
  for (const s of compose.services)
    for (const key of s.other) owners.set(key, [...(owners.get(key) ?? []), s.name]);
  for (const [key, names] of owners) {
    const where = names.length === 1 ? `services.${names[0]}` : `services.{${names.join(',')}}`;
    findings.skip(`${where}.${key}`, unmappedKeys[key] ?? `the spec has no ${key}`);
  }
  const env = hoistEnv(workloads);
  const n = (count: number, what: string) => `${count} ${what}${count === 1 ? '' : 's'}`;
  const counts = `${n(Object.keys(workloads).length, 'workload')}, ${n(Object.keys(resources).length, 'resource')}`;
  return {
    version: 2,
    name: appName,
    description: `Imported from ${file} (${counts}).`.slice(0, 200),
    ...(env ? { env } : {}),
    workloads,
    ...(Object.keys(resources).length > 0 ? { resources } : {}),
    ...(Object.keys(inputs).length > 0 ? { inputs } : {}),
    ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
  };
}

/** The context with the resources this service depends on first: they win where a value matches several. */
function preferring(ctx: ValueContext, s: ComposeService): ValueContext {
  const order = s.dependsOn.map(([d]) => d);
  const rank = (r: ResourceInfo) =>
    order.includes(r.service.name) ? order.indexOf(r.service.name) : order.length;
  return { ...ctx, resources: [...ctx.resources].sort((a, b) => rank(a) - rank(b)) };
}

function dependencies(
  apps: ComposeService[],
  roles: Map<string, string>,
  infos: ResourceInfo[],
  probed: Set<string>,
  workloads: Record<string, WorkloadSpec>,
  findings: Findings,
): void {
  const byName = new Map<string, { id: string; kind: string }>([
    ...infos.map((r) => [r.service.name, { id: r.id, kind: r.kind }] as const),
    ...[...roles].map(([n, role]) => [n, { id: idOf(n), kind: role }] as const),
  ]);
  for (const s of apps) {
    const w = workloads[idOf(s.name)];
    if (!w) continue;
    const deps: NonNullable<WorkloadSpec['dependsOn']> = {};
    for (const [dep, condition] of s.dependsOn) {
      const target = byName.get(dep);
      if (!target) {
        findings.skip(`services.${s.name}.depends_on.${dep}`, `${dep} is not part of the spec`);
        continue;
      }
      if (target.kind === 'release') deps[target.id] = 'completed';
      else if (
        condition === 'service_healthy' &&
        ((target.kind !== 'service' && !['web', 'worker'].includes(target.kind)) || probed.has(target.id))
      )
        deps[target.id] = 'healthy';
      else deps[target.id] = 'started';
    }
    if (Object.keys(deps).length > 0) w.dependsOn = deps;
  }
}

/** Env entries every workload has with the same value move to the top-level env. */
function hoistEnv(workloads: Record<string, WorkloadSpec>): AppSpecV2['env'] {
  const list = Object.values(workloads);
  if (list.length < 2) return undefined;
  const shared: NonNullable<AppSpecV2['env']> = {};
  for (const [name, value] of Object.entries(list[0]?.env ?? {})) {
    if (list.every((w) => w.env && name in w.env && JSON.stringify(w.env[name]) === JSON.stringify(value))) {
      shared[name] = value;
    }
  }
  if (Object.keys(shared).length === 0) return undefined;
  for (const w of list) {
    for (const name of Object.keys(shared)) delete w.env?.[name];
    if (w.env && Object.keys(w.env).length === 0) delete w.env;
  }
  return shared;
}
