// A workload as a compose or Swarm service: image or build, entrypoint and command, env, published ports,
// volumes, config files, ordering, health check, stop grace, replicas and limits.
import type { ResourceLimits, Workload } from '../../model/workload.js';
import { type ComposeCtx, type Service, upper } from './compose-values.js';

export { healthcheck } from './compose-probe.js';

export type ServiceKind = 'resource' | 'job' | 'workload' | 'release';

/** Keys that differ between compose and Swarm: restart policy, replicas, jobs, placement. */
export function serviceTail(
  ctx: ComposeCtx,
  kind: ServiceKind,
  replicas: number,
  extra: { limits?: ResourceLimits; requests?: ResourceLimits; pinned?: boolean; rolling?: boolean } = {},
): Service {
  const resources = limits(extra.limits, extra.requests);
  if (ctx.flavor === 'compose') {
    const deploy = {
      ...(replicas > 1 ? { replicas } : {}),
      ...(resources ? { resources } : {}),
    };
    return {
      restart: kind === 'job' || kind === 'release' ? 'no' : 'unless-stopped',
      ...(Object.keys(deploy).length > 0 ? { deploy } : {}),
    };
  }
  if (kind === 'job' || kind === 'release') {
    return {
      deploy: {
        mode: 'replicated-job',
        restart_policy: { condition: 'on-failure', max_attempts: kind === 'job' ? 20 : 3 },
        ...(resources ? { resources } : {}),
      },
    };
  }
  const pinned = kind === 'resource' || extra.pinned === true;
  return {
    deploy: {
      replicas,
      ...(pinned ? { placement: { constraints: [`node.labels.${ctx.app.name}.data == true`] } } : {}),
      ...(extra.rolling
        ? { update_config: { parallelism: 1, order: 'start-first', failure_action: 'rollback' } }
        : {}),
      restart_policy: { condition: 'any' },
      ...(resources ? { resources } : {}),
    },
  };
}

/** Score/Kubernetes quantities in compose terms (`500m` CPUs -> `0.5`); requests become reservations. */
function limits(
  l: ResourceLimits | undefined,
  r: ResourceLimits | undefined,
): Record<string, unknown> | undefined {
  const out = {
    ...(quantities(l) ? { limits: quantities(l) } : {}),
    ...(quantities(r) ? { reservations: quantities(r) } : {}),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

function quantities(l: ResourceLimits | undefined): Record<string, string> | undefined {
  if (!l || (l.cpu === undefined && l.memory === undefined)) return undefined;
  const cpus = l.cpu?.endsWith('m') ? String(Number.parseInt(l.cpu, 10) / 1000) : l.cpu;
  // Docker's units are binary and single-letter (`256m`); `Mi`/`Gi` are rejected.
  const memory = l.memory?.replace(/([KMGT])i?$/, (_, unit: string) => unit.toLowerCase());
  return { ...(cpus ? { cpus } : {}), ...(memory ? { memory } : {}) };
}

/** The tag variable of the app's shared image (`RELAY_VERSION`), so an upgrade is one `.env` line. */
export function versionVar(ctx: ComposeCtx): string {
  return `${upper(ctx.app.name)}_VERSION`;
}

export function sharesAppImage(w: Workload, ctx: ComposeCtx): boolean {
  return w.imageOf !== undefined || ctx.app.workloads.some((x) => x.imageOf === w.name);
}

export function imageOrBuild(w: Workload, ctx: ComposeCtx): Service {
  if (w.image) {
    const tag = sharesAppImage(w, ctx)
      ? ctx.vars.use({
          name: versionVar(ctx),
          owner: 'app',
          fill: {
            example: w.image.tag,
            comment: `Tag of ${w.image.repository} for every service of the app`,
            optional: true,
          },
        })
      : w.image.tag;
    return { image: `${w.image.repository}:${tag}` };
  }
  if (w.build && ctx.flavor === 'compose')
    return { build: { context: w.build.context, dockerfile: w.build.dockerfile } };
  ctx.report.fail(
    `workloads.${w.name}.image`,
    'Swarm pulls images and cannot build one; the workload only has a build',
    'publish the image and name it (image: repository:tag)',
  );
  return {};
}
