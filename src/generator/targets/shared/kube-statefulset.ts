// A bundled data service on Kubernetes: a StatefulSet of one replica with its data on a PersistentVolumeClaim
// (volumeClaimTemplates) and the Service other pods reach it by.
import type { ImageRef } from '../../model/workload.js';
import type { KubeCtx } from './kube-context.js';
import type { EnvVar } from './kube-values.js';

export interface DataService {
  id: string;
  image: ImageRef;
  ports: { name: string; port: number; protocol?: 'TCP' | 'UDP' }[];
  env: EnvVar[];
  command?: string[];
  args?: string[];
  /** Where the data volume mounts; none keeps no data (an emptyDir-free cache). */
  dataPath?: string;
  storage?: string;
  probe?: Record<string, unknown>;
  /** Extra container fields (lifecycle). */
  container?: Record<string, unknown>;
  /** Extra volume mounts and pod volumes (PVCs of volume resources). */
  mounts?: Record<string, unknown>[];
  volumes?: Record<string, unknown>[];
}

export function dataServiceObjects(ds: DataService, ctx: KubeCtx): Record<string, unknown>[] {
  const d = ctx.dialect;
  const name = d.name(ds.id);
  const path = ['resources', ds.id];
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: d.labels(ds.id) },
    spec: {
      selector: d.selector(ds.id),
      ports: ds.ports.map((p) => ({
        name: p.name,
        port: p.port,
        targetPort: p.name,
        protocol: p.protocol ?? 'TCP',
      })),
    },
  };
  const mounts = [...(ds.dataPath ? [{ name: 'data', mountPath: ds.dataPath }] : []), ...(ds.mounts ?? [])];
  const resources = d.resources(path);
  const container = {
    name: ds.id,
    image: d.image(path, ds.image, `resources.${ds.id}`),
    ...(ds.command ? { command: ds.command } : {}),
    ...(ds.args ? { args: ds.args } : {}),
    ...(ds.env.length > 0 ? { env: ds.env } : {}),
    ports: ds.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol ?? 'TCP' })),
    ...(ds.probe ? { readinessProbe: ds.probe, livenessProbe: { ...ds.probe, failureThreshold: 6 } } : {}),
    ...(resources !== undefined ? { resources } : {}),
    ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
    ...ds.container,
  };
  const statefulSet = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, labels: d.labels(ds.id) },
    spec: {
      serviceName: name,
      replicas: 1,
      selector: { matchLabels: d.selector(ds.id) },
      template: {
        metadata: { labels: d.labels(ds.id) },
        spec: {
          containers: [container],
          ...(ds.volumes && ds.volumes.length > 0 ? { volumes: ds.volumes } : {}),
        },
      },
      ...(ds.dataPath
        ? {
            volumeClaimTemplates: [
              {
                metadata: { name: 'data' },
                spec: {
                  accessModes: ['ReadWriteOnce'],
                  resources: { requests: { storage: d.storage(path, ds.storage ?? '8Gi') } },
                },
              },
            ],
          }
        : {}),
    },
  };
  return [service, statefulSet];
}

/** A readiness probe that runs a command in the container. */
export function execProbe(command: string[], period = 10): Record<string, unknown> {
  return { exec: { command }, periodSeconds: period, timeoutSeconds: 5, failureThreshold: 3 };
}
