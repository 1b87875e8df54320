// Pieces of a workload's pod on Kubernetes: probes from the spec's health checks, the init container that waits
// for the bundled services the workload reads, and the key of a mounted config file.
import type { Resource } from '../../model/resource.js';
import { refsOf, type Value } from '../../model/value.js';
import type { Probe, Workload } from '../../model/workload.js';
import { workloadValues } from './compose-workload.js';
import type { KubeCtx } from './kube-context.js';
import type { ContainerValues } from './kube-values.js';

/** Seconds the pod keeps serving after it is marked for deletion, so endpoints drop it first. */
export const preStopSeconds = 5;
export const helperImage = 'busybox:1.37';

export function kubeProbe(p: Probe, lit: (t: string) => string): Record<string, unknown> {
  const c = p.check;
  const action =
    c.kind === 'http'
      ? { httpGet: { path: lit(c.path), port: c.port, scheme: c.scheme.toUpperCase() } }
      : c.kind === 'tcp'
        ? { tcpSocket: { port: c.port } }
        : { exec: { command: c.command.map(lit) } };
  return {
    ...action,
    periodSeconds: p.interval,
    timeoutSeconds: p.timeout,
    failureThreshold: p.retries,
    ...(p.startPeriod > 0 ? { initialDelaySeconds: p.startPeriod } : {}),
  };
}

export function fileKey(path: string): string {
  return path
    .replace(/^\//, '')
    .replace(/[^A-Za-z0-9.-]+/g, '-')
    .replace(/^[.-]+/, '');
}

/** Bundled resources the workload reads or depends on, which its pods wait for (TCP) before starting. */
function waits(w: Workload, ctx: KubeCtx): Resource[] {
  const ids = new Set([
    ...workloadValues(w).flatMap((v) => refsOf(v, 'resource').map((r) => r.resource)),
    ...w.dependsOn.flatMap((d) => ('resource' in d.on ? [d.on.resource] : [])),
  ]);
  return ctx.app.resources.filter(
    (r) =>
      ids.has(r.id) &&
      !r.external &&
      (r.type === 'postgres' ||
        r.type === 'redis' ||
        r.type === 'amqp' ||
        (r.type === 'service' && r.ports.length > 0)),
  );
}

export function waitContainer(
  w: Workload,
  ctx: KubeCtx,
  values: ContainerValues,
): Record<string, unknown> | undefined {
  const targets = waits(w, ctx);
  if (targets.length === 0) return undefined;
  const at = (r: Resource, output: 'host' | 'port'): Value => [{ kind: 'resource', resource: r.id, output }];
  const script = targets
    .map(
      (r) =>
        // `$$` is the kubelet's escape for `$` in commands.
        `i=0; until nc -z -w 2 ${values.shell(at(r, 'host'))} ${values.shell(at(r, 'port'))}; do i=$$((i+1)); [ $$i -lt 300 ] || exit 1; echo waiting for ${r.id}; sleep 2; done`,
    )
    .join('\n');
  return {
    name: 'wait-for-services',
    image: helperImage,
    command: ['sh', '-c', script],
    env: values.helpers(),
  };
}
