// Plain Kubernetes target: templates/k8s/<name>/ manifests with a kustomization.yaml (kubectl apply -k).
import { appFromV1 } from '../shared/v1-app.js';
import type { Target } from '../target.js';
import { emitK8sApp } from './app.js';

export const k8sTarget: Target = {
  name: 'k8s',
  description:
    'Kubernetes manifests with a kustomization (kubectl apply -k; k3s): same objects as the Helm chart',
  emit: (model) => emitK8sApp(appFromV1(model)),
  emitApp: emitK8sApp,
};
