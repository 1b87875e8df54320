// How the chart writes names, labels, images and sizes: Go template expressions over the release and values.
import type { App } from '../../model/app.js';
import { type KubeDialect, valuesRef } from '../shared/kube-context.js';
import type { Templates } from '../shared/kube-yaml.js';
import type { Report } from '../shared/report.js';

export const releaseName = '{{ .Release.Name }}';

/** A Go template expression for a string that may hold `{{ .Release.Name }}` (a `printf` when it does). */
export function stringExpr(s: string): string {
  const parts = s.split(releaseName);
  if (parts.length === 1) return JSON.stringify(s);
  return `(printf ${JSON.stringify(parts.map((p) => p.replace(/%/g, '%%')).join('%s'))}${' .Release.Name'.repeat(parts.length - 1)})`;
}

export function helmDialect(app: App, t: Templates, report: Report): KubeDialect {
  const selector = (c: string) => ({
    'app.kubernetes.io/name': app.name,
    'app.kubernetes.io/instance': releaseName,
    'app.kubernetes.io/component': c,
  });
  return {
    target: 'helm',
    t,
    name: (c) => `${releaseName}-${c}`,
    // `{{` in spec text would start a template action.
    lit: (text) => text.replace(/\{\{/g, '{{ "{{" }}'),
    selector,
    labels: (c) => ({
      ...selector(c),
      'app.kubernetes.io/managed-by': '{{ .Release.Service }}',
      'helm.sh/chart': `${app.name}-{{ .Chart.Version }}`,
    }),
    image(path, image, owner) {
      const ref = valuesRef(path);
      if (!image) {
        report.warn(
          `${owner}.image`,
          `Kubernetes pulls images and cannot build one: build and push it, then set ${path.join('.')}.image.repository and .tag`,
        );
        return `{{ required "build the image, push it and set ${path.join('.')}.image.repository" ${ref}.image.repository }}:{{ ${ref}.image.tag }}`;
      }
      return `{{ ${ref}.image.repository }}:{{ ${ref}.image.tag }}`;
    },
    replicas: (path) => t.scalar(`{{ ${valuesRef(path)}.replicas }}`),
    resources: (path) => t.block(`${valuesRef(path)}.resources`),
    storage: (path) => `{{ ${valuesRef(path)}.storage }}`,
    // Env read from a ConfigMap is fixed at pod start: a settings change must roll the pods.
    podAnnotations: {
      'checksum/settings': '{{ include (print $.Template.BasePath "/settings.yaml") . | sha256sum }}',
    },
  };
}
