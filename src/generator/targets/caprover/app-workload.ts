// A workload or a generic service resource as a one-click service: image, command (which replaces the
// image's ENTRYPOINT), env, published ports, volumes, creation order and the web exposure flags. What the
// template cannot hold (health checks, stop grace, limits, instance count) becomes a warning plus an
// end-instruction step.
import type { ServiceResource } from '../../model/resource.js';
import { refsOf, type Value } from '../../model/value.js';
import { imageString, type Port, type Workload } from '../../model/workload.js';
import { dockerfileLines } from './app-dockerfile.js';
import { type CapCtx, type CapService, isWebApp, renderCap, serviceName, volumeName } from './app-values.js';

/** Ports of CapRover itself on every node: nginx, the dashboard, the registry and Swarm. */
const reservedPorts = new Map([
  [80, 'nginx'],
  [443, 'nginx'],
  [3000, 'the CapRover dashboard'],
  [996, 'the CapRover registry'],
  [2377, 'Docker Swarm'],
  [7946, 'Docker Swarm'],
  [4789, 'Docker Swarm'],
]);

/** `HOST:CONTAINER` mappings of public non-HTTP ports; CapRover publishes each for TCP and UDP. */
export function publishedPorts(owner: string, ports: Port[], ctx: CapCtx, httpPort?: Port): string[] {
  return ports
    .filter((p) => p.public && p !== httpPort)
    .map((p) => {
      const host = p.published ?? p.port;
      const holder = reservedPorts.get(host) ?? ctx.published.get(host);
      if (holder) {
        ctx.report.fail(
          `${owner}.ports.${p.name}`,
          `host port ${host} is taken by ${holder}`,
          'set ports.<name>.published to a free port',
        );
      }
      ctx.published.set(host, owner);
      return `${host}:${p.port}`;
    });
}

/** command + args as one Swarm command (it replaces ENTRYPOINT and CMD); undefined without a command. */
export function commandOf(
  owner: string,
  w: { command?: Value[]; args?: Value[] },
  ctx: CapCtx,
): string[] | undefined {
  if (!w.command) return undefined;
  return [...w.command, ...(w.args ?? [])].map((v) => renderCap(v, ctx, owner));
}

/** Services this one is created after: the bundled resources it reads and its explicit dependencies. */
function creationOrder(values: Value[], extra: string[], ctx: CapCtx): string[] {
  const ids = new Set(values.flatMap((v) => refsOf(v, 'resource').map((r) => r.resource)));
  for (const id of extra) ids.add(id);
  return [...ids]
    .filter(
      (id) =>
        ctx.app.resources.find((r) => r.id === id && r.type !== 'volume' && !r.external) ||
        ctx.app.workloads.some((w) => w.name === id && w.role !== 'release'),
    )
    .map((id) => serviceName(ctx.app, id))
    .sort();
}

function mounts(
  owner: string,
  list: { volume: string; path: string; readOnly: boolean }[],
  ctx: CapCtx,
): string[] {
  return list.map((m) => {
    if (m.readOnly) {
      ctx.report.warn(`${owner}.volumes.${m.path}`, 'CapRover drops `:ro`; the volume is mounted read-write');
    }
    return `${volumeName(m.volume)}:${m.path}`;
  });
}

export function workloadService(w: Workload, ctx: CapCtx, command: string[] | undefined): CapService {
  const owner = `workloads.${w.name}`;
  const http = isWebApp(w) ? w.ports.find((p) => p.http && p.public) : undefined;
  const image = w.image ? imageRef(w, ctx) : undefined;
  if (!image) {
    ctx.report.fail(
      `${owner}.image`,
      'a one-click app pulls images and cannot build one',
      'publish the image and name it (image: repository:tag)',
    );
  }
  const files = w.files.map((f) => ({
    path: f.path,
    content: renderCap(f.content, ctx, `${owner}.files.${f.path}`),
    ...(f.mode ? { mode: f.mode } : {}),
  }));
  const args = !w.command && w.args ? w.args.map((v) => renderCap(v, ctx, `${owner}.args`)) : undefined;
  const lines = image ? dockerfileLines(owner, image, { ...(args ? { args } : {}), files }, ctx) : undefined;
  const values = [
    ...(w.command ?? []),
    ...(w.args ?? []),
    ...w.env.map((e) => e.value),
    ...w.files.map((f) => f.content),
  ];
  const ports = publishedPorts(owner, w.ports, ctx, http);
  const deps = creationOrder(
    values,
    w.dependsOn.map((d) => ('workload' in d.on ? d.on.workload : d.on.resource)),
    ctx,
  );
  return {
    ...(image && !lines ? { image } : {}),
    ...(command ? { command } : {}),
    ...(w.env.length > 0
      ? {
          environment: Object.fromEntries(
            w.env.map((e) => [e.name, renderCap(e.value, ctx, `${owner}.env.${e.name}`)]),
          ),
        }
      : {}),
    ...(ports.length > 0 ? { ports } : {}),
    ...(w.volumes.length > 0 ? { volumes: mounts(owner, w.volumes, ctx) } : {}),
    ...(deps.length > 0 ? { depends_on: deps } : {}),
    caproverExtra: {
      ...(http
        ? { containerHttpPort: String(http.port), ...(w.websocket ? { websocketSupport: 'true' } : {}) }
        : { notExposeAsWebApp: 'true' }),
      ...(lines ? { dockerfileLines: lines } : {}),
    },
  };
}

/** Workloads sharing the app's image take its tag from one variable, so an upgrade is one field. */
function imageRef(w: Workload, ctx: CapCtx): string | undefined {
  if (!w.image) return undefined;
  const shared = w.imageOf !== undefined || ctx.app.workloads.some((x) => x.imageOf === w.name);
  if (!shared) return imageString(w.image);
  const version = ctx.vars.use({
    id: '$$cap_app_version',
    label: `${ctx.app.displayName} version`,
    defaultValue: w.image.tag,
    validRegex: '/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/',
    description: `Tag of the image \`${w.image.repository}\` of every ${ctx.app.displayName} app.`,
  });
  return `${w.image.repository}:${version}`;
}

export function serviceResource(r: ServiceResource, ctx: CapCtx): CapService {
  const owner = `resources.${r.id}`;
  const http = r.ports.find((p) => p.http && p.public);
  const command = commandOf(owner, r, ctx);
  const image = imageString(r.image);
  const args = !r.command && r.args ? r.args.map((v) => renderCap(v, ctx, `${owner}.args`)) : undefined;
  const lines = dockerfileLines(owner, image, { ...(args ? { args } : {}), files: [] }, ctx);
  const ports = publishedPorts(owner, r.ports, ctx, http);
  const deps = creationOrder(
    [...(r.command ?? []), ...(r.args ?? []), ...r.env.map((e) => e.value)],
    [],
    ctx,
  );
  if (r.liveness)
    ctx.overrides.set(serviceName(ctx.app, r.id), {
      ...ctx.overrides.get(serviceName(ctx.app, r.id)),
      probe: r.liveness,
    });
  return {
    ...(lines ? {} : { image }),
    ...(command ? { command } : {}),
    ...(r.env.length > 0
      ? {
          environment: Object.fromEntries(
            r.env.map((e) => [e.name, renderCap(e.value, ctx, `${owner}.env.${e.name}`)]),
          ),
        }
      : {}),
    ...(ports.length > 0 ? { ports } : {}),
    ...(r.volumes.length > 0 ? { volumes: mounts(owner, r.volumes, ctx) } : {}),
    ...(deps.length > 0 ? { depends_on: deps } : {}),
    caproverExtra: {
      ...(http ? { containerHttpPort: String(http.port) } : { notExposeAsWebApp: 'true' }),
      ...(lines ? { dockerfileLines: lines } : {}),
    },
  };
}
