// One workload as a Render service: web (public HTTP), pserv (internal ports only) or worker; the image or the
// repository's Dockerfile, its command, instances, disk, health check path, shutdown delay and env. What a
// Render service cannot carry (files, extra public ports, several disks, a disk on several instances) is lost.
import { literalOf, type Value } from '../../model/value.js';
import { imageString, type Workload } from '../../model/workload.js';
import { quoteCommand } from '../railway/shell.js';
import { type EnvVar, envVar, type RenderCtx, type ServiceType } from './values.js';

export type RenderService = Record<string, unknown>;

export function serviceType(w: Workload): ServiceType {
  if (w.ports.some((p) => p.http && p.public)) return 'web';
  return w.ports.length > 0 ? 'pserv' : 'worker';
}

/** A command line of literal words; Render takes no references in it. */
export function commandLine(argv: Value[], owner: string, ctx: RenderCtx): string | undefined {
  const words = argv.map(literalOf);
  if (words.some((w) => w === undefined)) {
    ctx.report.fail(
      `${owner}.command`,
      "Render's dockerCommand is fixed text; this command reads a value",
      'read the value from env in the program',
    );
    return undefined;
  }
  return quoteCommand(words as string[]);
}

export function source(image: Workload['image'], build: Workload['build']): RenderService {
  if (image) return { runtime: 'image', image: { url: imageString(image) } };
  const b = build ?? { context: '.', dockerfile: 'Dockerfile' };
  const context = b.context.replace(/\/$/, '');
  return {
    runtime: 'docker',
    dockerfilePath: context === '.' ? `./${b.dockerfile}` : `${context}/${b.dockerfile}`,
    dockerContext: context,
  };
}

function losses(w: Workload, owner: string, ctx: RenderCtx): void {
  const { report } = ctx;
  if (w.files.length > 0) {
    report.lose(
      'file',
      `${owner}.files`,
      'a Render Blueprint mounts no file content',
      'read the settings from env or bake the files into the image (Render secret files are set in the dashboard)',
    );
  }
  const publicHttp = w.ports.filter((p) => p.http && p.public);
  const unreachable = w.ports.filter((p) => p.public && (!p.http || p.protocol === 'udp'));
  if (publicHttp.length > 1 || unreachable.length > 0) {
    report.lose(
      'port',
      `${owner}.ports`,
      `a Render web service serves one public HTTP port; ${[...publicHttp.slice(1), ...unreachable].map((p) => p.name).join(', ')} cannot be reached from outside`,
    );
  }
  if (w.volumes.length > 1) {
    report.lose(
      'volume',
      `${owner}.volumes`,
      `a Render service has one disk; ${w.name} mounts ${w.volumes.length}`,
    );
  }
  if (w.volumes.length > 0 && w.replicas > 1) {
    report.lose(
      'volume',
      `${owner}.replicas`,
      `a Render service with a disk runs one instance; ${w.name} asks for ${w.replicas}`,
      'move the data to a resource (PostgreSQL, S3) or run one instance',
    );
  }
  for (const v of w.volumes.filter((m) => m.readOnly))
    report.warn(`${owner}.volumes.${v.path}`, 'Render mounts a disk read-write');
  const probes = [w.liveness, w.readiness].filter((p) => p !== undefined);
  if (probes.length > 0 && !probes.some((p) => p.check.kind === 'http'))
    report.warn(
      `${owner}.probes`,
      'Render checks health over HTTP only (healthCheckPath); the probe is not used',
    );
  if (w.limits) report.warn(`${owner}.limits`, 'Render sizes a service by its plan; the limits are not set');
  if (w.requests)
    report.warn(`${owner}.requests`, 'Render sizes a service by its plan; the requests are not set');
  if (w.sessionAffinity && w.replicas > 1)
    report.warn(`${owner}.sessionAffinity`, "Render's load balancer has no sticky sessions");
  if (
    w.dependsOn.some(
      (d) =>
        d.condition !== 'started' &&
        !('workload' in d.on && d.on.workload === ctx.app.workloads.find((x) => x.role === 'release')?.name),
    )
  )
    report.warn(`${owner}.dependsOn`, 'Render starts services independently; it does not wait for health');
  if (w.stopGracePeriod > 300 || w.stopGracePeriod < 1)
    report.warn(
      `${owner}.stopGracePeriod`,
      `Render waits 1 to 300 s after SIGTERM; ${w.stopGracePeriod} s is clamped`,
    );
}

export function workloadService(
  w: Workload,
  ctx: RenderCtx,
  extra: { shared: Set<string>; group?: string; preDeploy?: string },
): RenderService {
  const owner = `workloads.${w.name}`;
  const name = ctx.names.get(w.name) as string;
  const type = serviceType(w);
  losses(w, owner, ctx);
  const argv = [...(w.command ?? []), ...(w.args ?? [])];
  const command = argv.length > 0 ? commandLine(argv, owner, ctx) : undefined;
  const http = w.ports.find((p) => p.http && p.public);
  const probe = [w.readiness, w.liveness].find((p) => p?.check.kind === 'http');
  const env: EnvVar[] = [];
  if (extra.group) env.push({ fromGroup: extra.group });
  if (http && !w.env.some((e) => e.name === 'PORT')) env.push({ key: 'PORT', value: String(http.port) });
  for (const e of w.env) {
    if (extra.shared.has(e.name)) continue;
    const v = envVar(e.name, e.value, name, ctx, owner);
    if (v) env.push(v);
  }
  const disk = w.volumes[0];
  return {
    type,
    name,
    ...source(w.image, w.build),
    plan: 'starter',
    ...(command ? { dockerCommand: command } : {}),
    ...(extra.preDeploy ? { preDeployCommand: extra.preDeploy } : {}),
    ...(type === 'web' && probe?.check.kind === 'http' ? { healthCheckPath: probe.check.path } : {}),
    numInstances: disk ? 1 : w.replicas,
    maxShutdownDelaySeconds: Math.min(300, Math.max(1, w.stopGracePeriod)),
    ...(disk ? { disk: { name: disk.volume, mountPath: disk.path, sizeGB: 1 } } : {}),
    ...(env.length > 0 ? { envVars: env } : {}),
  };
}
