// Helm chart target: templates/helm/<name>/ with values, a values schema and one template per object group.
import { appFromV1 } from '../shared/v1-app.js';
import type { Target } from '../target.js';
import { emitHelmApp } from './app.js';

export const helmTarget: Target = {
  name: 'helm',
  description:
    'Helm chart (Kubernetes, k3s): Deployments, release hook Job, StatefulSets, HTTPRoute or Ingress',
  emit: (model) => emitHelmApp(appFromV1(model)),
  emitApp: emitHelmApp,
};
