// Turns a valid version 2 spec into the App model: roles and images resolved, defaults applied once,
// placeholders parsed, inline secrets and inputs collected, external resources rewritten into inputs.
import { role } from '../spec/semantic-v2.js';
import type { AppSpecV2, WorkloadSpec } from '../spec/types-v2.js';
import type { Json } from '../spec/walk.js';
import type { App, GeneratedSecret, Input, LossFeature, ModelSource } from './app.js';
import { externalInputs } from './external.js';
import { env, parseImage, ports, probe, template, volumes } from './normalize-parts.js';
import { normalizeResource, rewriteExternal } from './normalize-resources.js';
import type { ResourceType } from './resource.js';
import type { Value } from './value.js';
import type { Workload, WorkloadRole } from './workload.js';

export interface NormalizeV2Options {
  specPath: string;
  logo?: Uint8Array;
  source?: ModelSource;
}

const roleOrder: Record<WorkloadRole, number> = { release: 0, web: 1, worker: 2, scheduler: 2 };

export function normalizeV2(spec: AppSpecV2, options: NormalizeV2Options): App {
  const types = new Map<string, ResourceType>(
    Object.entries(spec.resources ?? {}).map(([id, r]) => [id, r.type]),
  );
  const resources = Object.entries(spec.resources ?? {})
    .map(([id, r]) => normalizeResource(id, r, spec.name, types))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const rewrite = (v: Value) => rewriteExternal(v, resources);

  const named = Object.entries(spec.workloads).map(([name, w]) => ({
    name,
    w,
    role: role(name, w as Json) as WorkloadRole,
  }));
  named.sort((a, b) => roleOrder[a.role] - roleOrder[b.role] || (a.name < b.name ? -1 : 1));
  const shared = named.filter((x) => x.w.image === undefined && x.w.build === undefined);
  const sharedBy = (shared.find((x) => x.role === 'web') ?? shared[0])?.name;
  const workloads = named.map(({ name, w, role: r }) => workload(name, w, r, spec, types, sharedBy, rewrite));

  for (const r of resources) {
    if (r.type !== 'service') continue;
    r.env = r.env.map((e) => ({ ...e, value: rewrite(e.value) }));
    r.outputs = Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, rewrite(v)]));
  }

  const secrets: GeneratedSecret[] = Object.entries(spec.secrets ?? {}).map(([id, s]) => secret(id, s));
  const inputs: Input[] = Object.entries(spec.inputs ?? {}).map(([id, i]) => input(id, i));
  for (const e of [spec.env, ...Object.values(spec.workloads).map((w) => w.env)]) {
    for (const [name, v] of Object.entries(e ?? {})) {
      if (typeof v === 'object' && 'secret' in v) secrets.push(secret(name, v.secret));
      if (typeof v === 'object' && 'input' in v) inputs.push(input(name, v.input));
    }
  }
  for (const r of resources) {
    if (!r.external) continue;
    for (const { output: _, ...i } of externalInputs(r.id, r.type, r.external.wholeUrl)) inputs.push(i);
  }
  const unique = <T extends { id: string }>(list: T[]) =>
    [...new Map(list.map((x) => [x.id, x])).values()].sort((a, b) => (a.id < b.id ? -1 : 1));

  return {
    specVersion: 2,
    name: spec.name,
    displayName: spec.displayName ?? spec.name.charAt(0).toUpperCase() + spec.name.slice(1),
    description: spec.description.trim(),
    category: spec.category ?? 'other',
    tags: spec.tags ?? [spec.name],
    specPath: options.specPath,
    source: options.source ?? { format: 'paasport', ignored: [] },
    workloads,
    resources,
    inputs: unique(inputs),
    secrets: unique(secrets),
    notes: (spec.notes ?? '')
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter((p) => p !== ''),
    accept: Object.fromEntries(
      Object.entries(spec.targets ?? {}).map(([t, o]) => [t, [...(o.accept ?? [])].sort() as LossFeature[]]),
    ),
    railway: {
      source: spec.targets?.railway?.source ?? 'image',
      bucketRegion: spec.targets?.railway?.bucketRegion ?? 'iad',
    },
    ...(spec.documentation ? { documentation: spec.documentation } : {}),
    ...(spec.repository ? { repository: spec.repository } : {}),
    ...(options.logo ? { logo: options.logo } : {}),
  };
}

function workload(
  name: string,
  w: WorkloadSpec,
  r: WorkloadRole,
  spec: AppSpecV2,
  types: Map<string, ResourceType>,
  sharedBy: string | undefined,
  rewrite: (v: Value) => Value,
): Workload {
  const own = w.image !== undefined || w.build !== undefined;
  const image = w.image ?? (own ? undefined : spec.image);
  const build = w.build ?? (own ? undefined : spec.build);
  const portList = ports(w.ports, r === 'web');
  const liveness = probe(w.probes?.liveness, portList);
  const readiness = probe(w.probes?.readiness, portList);
  const list = (l: string[] | undefined) => l?.map((x) => rewrite(template(x, types)));
  const command = list(w.command);
  const args = list(w.args);
  return {
    name,
    role: r,
    ...(image ? { image: parseImage(image) } : {}),
    ...(build
      ? { build: { context: build.context ?? '.', dockerfile: build.dockerfile ?? 'Dockerfile' } }
      : {}),
    ...(!own && sharedBy !== undefined && sharedBy !== name ? { imageOf: sharedBy } : {}),
    ...(command ? { command } : {}),
    ...(args ? { args } : {}),
    env: env({ ...spec.env, ...w.env }, types).map((e) => ({ ...e, value: rewrite(e.value) })),
    ports: portList,
    volumes: volumes(w.volumes),
    files: Object.entries(w.files ?? {})
      .map(([path, f]) => ({
        path,
        content: f.noExpand
          ? ([{ kind: 'text', text: f.content }] as Value)
          : rewrite(template(f.content, types)),
        ...(f.mode ? { mode: f.mode.padStart(4, '0') } : {}),
      }))
      .sort((a, b) => (a.path < b.path ? -1 : 1)),
    ...(liveness ? { liveness } : {}),
    ...(readiness ? { readiness } : {}),
    replicas: w.replicas ?? 1,
    stopGracePeriod: w.stopGracePeriod ?? 10,
    ...(w.limits ? { limits: w.limits } : {}),
    ...(w.requests ? { requests: w.requests } : {}),
    dependsOn: Object.entries(w.dependsOn ?? {})
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([on, condition]) => ({
        on: types.has(on) ? { resource: on } : { workload: on },
        condition,
      })),
    sessionAffinity: w.sessionAffinity ?? false,
    websocket: w.websocket ?? false,
  };
}

function secret(id: string, s: { format?: GeneratedSecret['format']; length?: number }): GeneratedSecret {
  const format = s.format ?? 'hex';
  return { id, format, length: format === 'uuid' ? 36 : (s.length ?? 32) };
}

function input(id: string, i: NonNullable<AppSpecV2['inputs']>[string]): Input {
  return {
    id,
    label: i.label,
    required: i.required ?? true,
    secret: i.secret ?? false,
    ...(i.description ? { description: i.description } : {}),
    ...(i.default !== undefined ? { default: String(i.default) } : {}),
    ...(i.pattern ? { pattern: i.pattern } : {}),
  };
}
