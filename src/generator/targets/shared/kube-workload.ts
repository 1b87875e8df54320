// One workload on Kubernetes: a Deployment (web, worker, scheduler) or a Job (release step) with probes, a
// preStop pause so readiness turns before the process stops, config files (literal ones from a ConfigMap,
// those with references rendered by an init container), waits for the bundled services it reads, its
// Services (ClusterIP; LoadBalancer for public non-HTTP ports) and a PodDisruptionBudget when scaled.
import type { Workload } from '../../model/workload.js';
import { type KubeCtx, valuesRef } from './kube-context.js';
import { fileKey, helperImage, kubeProbe, preStopSeconds, waitContainer } from './kube-pod.js';
import { containerValues, resolveKube } from './kube-values.js';

export interface KubeObject {
  object: Record<string, unknown>;
  /** Helm only: the template condition the object is rendered under. */
  when?: string;
}

export function workloadObjects(w: Workload, ctx: KubeCtx): KubeObject[] {
  const d = ctx.dialect;
  const owner = `workloads.${w.name}`;
  const path = ['workloads', w.name];
  const values = containerValues(ctx, owner);
  const env = values.env(w.env);
  const command = w.command?.map(values.text);
  const args = w.args?.map(values.text);
  const literalFiles = w.files.filter((f) => resolveKube(f.content, ctx).every((p) => p.kind === 'text'));
  const renderedFiles = w.files.filter((f) => !literalFiles.includes(f));
  const mounts: Record<string, unknown>[] = [
    ...w.volumes.map((v) => ({
      name: `volume-${v.volume}`,
      mountPath: v.path,
      ...(v.readOnly ? { readOnly: true } : {}),
    })),
    ...literalFiles.map((f) => ({
      name: 'files',
      mountPath: f.path,
      subPath: fileKey(f.path),
      readOnly: true,
    })),
    ...renderedFiles.map((f) => ({ name: 'rendered-files', mountPath: f.path, subPath: fileKey(f.path) })),
  ];
  const volumes: Record<string, unknown>[] = [
    ...w.volumes.map((v) => ({
      name: `volume-${v.volume}`,
      persistentVolumeClaim: { claimName: d.name(v.volume) },
    })),
    ...(literalFiles.length > 0
      ? [
          {
            name: 'files',
            configMap: {
              name: d.name(`${w.name}-files`),
              items: literalFiles.map((f) => ({
                key: fileKey(f.path),
                path: fileKey(f.path),
                ...(f.mode ? { mode: Number.parseInt(f.mode, 8) } : {}),
              })),
            },
          },
        ]
      : []),
    ...(renderedFiles.length > 0 ? [{ name: 'rendered-files', emptyDir: {} }] : []),
  ];
  const initContainers: Record<string, unknown>[] = [];
  const waitValues = containerValues(ctx, owner);
  const wait = waitContainer(w, ctx, waitValues);
  if (wait) initContainers.push(wait);
  if (renderedFiles.length > 0) {
    const fileValues = containerValues(ctx, owner);
    const script = renderedFiles
      .map((f) => {
        const target = `/rendered/${fileKey(f.path)}`;
        return `printf '%s' ${fileValues.shell(f.content)} > ${target}${f.mode ? ` && chmod ${f.mode} ${target}` : ''}`;
      })
      .join('\n');
    initContainers.push({
      name: 'render-files',
      image: helperImage,
      command: ['sh', '-ec', script],
      env: fileValues.helpers(),
      volumeMounts: [{ name: 'rendered-files', mountPath: '/rendered' }],
    });
  }
  const served = w.ports.length > 0 && w.role !== 'release';
  const readiness = w.readiness ?? w.liveness;
  const resources = d.resources(path, w.limits, w.requests);
  const container = {
    name: w.name,
    image: d.image(path, w.image, owner),
    ...(command ? { command } : {}),
    ...(args ? { args } : {}),
    ...(env.length > 0 || values.helpers().length > 0 ? { env: [...values.helpers(), ...env] } : {}),
    ...(w.ports.length > 0
      ? {
          ports: w.ports.map((p) => ({
            name: p.name,
            containerPort: p.port,
            protocol: p.protocol === 'udp' ? 'UDP' : 'TCP',
          })),
        }
      : {}),
    ...(w.role !== 'release' && w.liveness ? { livenessProbe: kubeProbe(w.liveness, d.lit) } : {}),
    ...(w.role !== 'release' && readiness ? { readinessProbe: kubeProbe(readiness, d.lit) } : {}),
    ...(served ? { lifecycle: { preStop: { sleep: { seconds: preStopSeconds } } } } : {}),
    ...(resources !== undefined ? { resources } : {}),
    ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
  };
  const podSpec = {
    ...(initContainers.length > 0 ? { initContainers } : {}),
    containers: [container],
    terminationGracePeriodSeconds: w.stopGracePeriod + (served ? preStopSeconds : 0),
    ...(w.role === 'release' ? { restartPolicy: 'Never' } : {}),
    ...(volumes.length > 0 ? { volumes } : {}),
  };
  const name = d.name(w.name);
  const podMeta = {
    labels: d.labels(w.name),
    ...(d.podAnnotations ? { annotations: d.podAnnotations } : {}),
  };
  const objects: KubeObject[] = [];
  if (w.role === 'release') {
    objects.push({
      object: {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name, labels: d.labels(w.name) },
        spec: { backoffLimit: 3, template: { metadata: podMeta, spec: podSpec } },
      },
    });
  } else {
    objects.push({
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, labels: d.labels(w.name) },
        spec: {
          replicas: d.replicas(path, w.replicas),
          selector: { matchLabels: d.selector(w.name) },
          // A ReadWriteOnce claim cannot be mounted by the old and the new pod at once.
          strategy:
            w.volumes.length > 0
              ? { type: 'Recreate' }
              : { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          template: { metadata: podMeta, spec: podSpec },
        },
      },
    });
  }
  if (literalFiles.length > 0) {
    objects.push({
      object: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: d.name(`${w.name}-files`), labels: d.labels(w.name) },
        data: Object.fromEntries(
          literalFiles.map((f) => [
            fileKey(f.path),
            resolveKube(f.content, ctx)
              .map((p) => (p.kind === 'text' ? d.lit(p.text) : ''))
              .join(''),
          ]),
        ),
      },
    });
  }
  if (w.role === 'release') return objects;
  if (w.ports.length > 0) {
    objects.push({
      object: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name,
          labels: d.labels(w.name),
          // Proxies route to pod endpoints and skip the Service's own affinity; Traefik reads this instead.
          ...(w.sessionAffinity
            ? { annotations: { 'traefik.ingress.kubernetes.io/service.sticky.cookie': 'true' } }
            : {}),
        },
        spec: {
          selector: d.selector(w.name),
          ports: w.ports.map((p) => ({
            name: p.name,
            port: p.port,
            targetPort: p.name,
            protocol: p.protocol === 'udp' ? 'UDP' : 'TCP',
          })),
          ...(w.sessionAffinity ? { sessionAffinity: 'ClientIP' } : {}),
        },
      },
    });
  }
  const exposed = w.ports.filter((p) => p.public && !p.http);
  if (exposed.length > 0) {
    objects.push({
      object: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: d.name(`${w.name}-public`), labels: d.labels(w.name) },
        spec: {
          type: 'LoadBalancer',
          selector: d.selector(w.name),
          ports: exposed.map((p) => ({
            name: p.name,
            port: p.published ?? p.port,
            targetPort: p.name,
            protocol: p.protocol === 'udp' ? 'UDP' : 'TCP',
          })),
        },
      },
    });
  }
  const pdb = {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, labels: d.labels(w.name) },
    spec: { maxUnavailable: 1, selector: { matchLabels: d.selector(w.name) } },
  };
  if (d.target === 'helm') objects.push({ object: pdb, when: `gt (int ${valuesRef(path)}.replicas) 1` });
  else if (w.replicas > 1) objects.push({ object: pdb });
  return objects;
}
