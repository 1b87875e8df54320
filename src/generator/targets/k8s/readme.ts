// README.md next to the plain manifests: the steps from an empty namespace to a running app.
import type { App } from '../../model/app.js';
import { generatedNotice } from '../../render/text.js';
import type { KubeDialect } from '../shared/kube-context.js';

export function k8sReadme(
  app: App,
  d: KubeDialect,
  release: string | undefined,
  secrets: boolean,
  routed: boolean,
): string {
  const phase = 'paasport.dev/phase=prepare';
  const steps = [
    ...(secrets
      ? [
          '`cp secrets.env.example secrets.env` and fill in every value (the file gives the command for each one).',
        ]
      : []),
    'Edit `settings.env`: host names, inputs; and the host names in `route-httproute/` (or `route-ingress/`).',
    ...(release
      ? [
          `\`kubectl apply -k . -l ${phase}\` (settings, secrets, data services, the release Job).`,
          `\`kubectl wait --for=condition=complete job/${d.name(release)} --timeout=15m\``,
          '`kubectl apply -k .` (the workloads roll out once the release step has run).',
        ]
      : ['`kubectl apply -k .`']),
  ];
  return `${[
    `# ${app.displayName} on Kubernetes (kubectl apply -k)`,
    '',
    `<!-- ${generatedNotice(app.specPath)} -->`,
    '',
    app.description,
    '',
    ...steps.map((s, i) => `${i + 1}. ${s}`),
    '',
    ...(release
      ? [
          `Upgrades: change the image tags, \`kubectl delete job ${d.name(release)} --ignore-not-found\` (a Job's pod template`,
          'cannot be changed), then the same three apply steps.',
          '',
        ]
      : []),
    ...(routed
      ? [
          "The route is an HTTPRoute attached to the Gateway `traefik-gateway` in `kube-system` (k3s with Traefik's",
          'Gateway provider). Without the Gateway API, use `components: [route-ingress]` in kustomization.yaml.',
          '',
        ]
      : []),
    'See docs/deploy/kubernetes.md of paasport for scaling, backups and external services.',
    ...(app.notes.length > 0 ? ['', '## After installing', '', app.notes.join('\n\n')] : []),
  ].join('\n')}\n`;
}
