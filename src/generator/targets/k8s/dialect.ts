// How the plain manifests write names, labels, images and sizes: fixed values from the spec. A workload with
// only a build gets a placeholder image that the kustomization's `images:` entry renames.
import type { App } from '../../model/app.js';
import type { ResourceLimits } from '../../model/workload.js';
import type { KubeDialect } from '../shared/kube-context.js';
import type { Templates } from '../shared/kube-yaml.js';
import type { Report } from '../shared/report.js';

export interface K8sDialect extends KubeDialect {
  /** Placeholder image names of build-only workloads, for the kustomization's `images:`. */
  placeholders: string[];
}

function sizes(limits?: ResourceLimits, requests?: ResourceLimits): Record<string, unknown> | undefined {
  const q = (l?: ResourceLimits) =>
    l ? Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined)) : {};
  const out = {
    ...(Object.keys(q(limits)).length > 0 ? { limits: q(limits) } : {}),
    ...(Object.keys(q(requests)).length > 0 ? { requests: q(requests) } : {}),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

export function k8sDialect(app: App, t: Templates, report: Report): K8sDialect {
  const selector = (c: string) => ({ 'app.kubernetes.io/name': app.name, 'app.kubernetes.io/component': c });
  const placeholders: string[] = [];
  return {
    target: 'k8s',
    t,
    placeholders,
    name: (c) => `${app.name}-${c}`,
    lit: (text) => text,
    selector,
    labels: selector,
    image(path, image, owner) {
      if (image) return `${image.repository}:${image.tag}`;
      const name = `${app.name}-${path.at(-1)}`;
      if (!placeholders.includes(name)) placeholders.push(name);
      report.warn(
        `${owner}.image`,
        `Kubernetes pulls images and cannot build one: build and push it, then set its name in the images: entry ${name} of kustomization.yaml`,
      );
      return name;
    },
    replicas: (_path, n) => n,
    resources: (_path, limits, requests) => sizes(limits, requests),
    storage: (_path, size) => size,
  };
}
