// Assembles a v2 app into Kubernetes objects for the helm and k8s targets: one file per workload, one per
// bundled resource (through the Kubernetes provisioners), the claims of volume resources, and the findings
// both targets share (no ordering between workloads, scaled pods on one ReadWriteOnce claim).
import type { App } from '../../model/app.js';
import { bundled } from '../../model/resource.js';
import { createKubeCtx, type KubeCtx, type KubeDialect } from './kube-context.js';
import { kubeProvisioners } from './kube-resources.js';
import { type KubeObject, workloadObjects } from './kube-workload.js';
import { provisionerFor } from './provisioner.js';
import type { Report } from './report.js';

export interface KubeFile {
  /** File name without extension (`web`, `db`, `volumes`). */
  name: string;
  objects: KubeObject[];
  /** The bundled resource the file runs (Helm renders it only while the resource is enabled). */
  resource?: string;
}

export interface KubeStack {
  ctx: KubeCtx;
  files: KubeFile[];
}

export function buildKubeStack(app: App, dialect: KubeDialect, report: Report): KubeStack {
  const ctx = createKubeCtx(app, dialect, report);
  const files: KubeFile[] = [];
  const release = app.workloads.find((w) => w.role === 'release');
  for (const w of app.workloads) {
    files.push({ name: w.name, objects: workloadObjects(w, ctx) });
    const waits = w.dependsOn
      .flatMap((d) => ('workload' in d.on ? [d.on.workload] : []))
      .filter((name) => name !== release?.name);
    if (waits.length > 0) {
      report.warn(
        `workloads.${w.name}.dependsOn`,
        `Kubernetes has no ordering between workloads: ${w.name} starts alongside ${waits.join(', ')}; it must retry until ${waits.length > 1 ? 'they are' : 'it is'} ready`,
      );
    }
    if (w.volumes.length > 0 && w.replicas > 1) {
      report.warn(
        `workloads.${w.name}.replicas`,
        `${w.replicas} replicas share a ReadWriteOnce claim, so they must run on one node; use a ReadWriteMany storage class to spread them`,
      );
    }
    if (w.sessionAffinity) {
      report.warn(
        `workloads.${w.name}.sessionAffinity`,
        'the Service pins clients by IP (sessionAffinity: ClientIP) and asks Traefik for a sticky cookie; other controllers route to pods directly and need their own stickiness setting',
      );
    }
    if (w.websocket && w.role === 'web') {
      report.warn(
        `workloads.${w.name}.websocket`,
        "the HTTPRoute disables its request timeout (timeouts.request: 0s); an Ingress keeps its controller's idle timeout, which needs raising outside the Ingress (no controller annotations)",
      );
    }
    for (const p of w.ports) {
      if (p.http && p.public && w.role !== 'web') {
        report.warn(
          `workloads.${w.name}.ports.${p.name}`,
          `only the web workload is routed; ${w.name} serves port ${p.port} on its Service inside the cluster`,
        );
      }
    }
  }
  const volumes: KubeObject[] = [];
  for (const r of bundled(app.resources)) {
    if (r.type === 'volume') {
      volumes.push({
        object: {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: dialect.name(r.id), labels: dialect.labels(r.id) },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: dialect.storage(['resources', r.id], '8Gi') } },
          },
        },
      });
      continue;
    }
    const unit = provisionerFor(kubeProvisioners, r).provision(r, ctx);
    files.push({ name: r.id, objects: unit.objects.map((object) => ({ object })), resource: r.id });
  }
  if (volumes.length > 0) files.push({ name: 'volumes', objects: volumes });
  return { ctx, files };
}
