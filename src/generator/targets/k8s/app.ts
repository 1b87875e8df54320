// Plain Kubernetes manifests of a v2 app (templates/k8s/<name>/) with a kustomization.yaml: the same objects
// as the Helm chart with fixed defaults, settings and secrets from kustomize generators (secrets.env is the
// operator's, only its example is written), the route as a component (HTTPRoute, or Ingress instead).
// kubectl applies everything at once, so the release step runs first by apply order: the objects it needs
// carry a phase label and are applied, then waited for, before the rest.
import type { App } from '../../model/app.js';
import { generatedNotice, renderYaml } from '../../render/text.js';
import { keysIn } from '../shared/kube-context.js';
import { kubeRoutes } from '../shared/kube-route.js';
import { buildKubeStack } from '../shared/kube-stack.js';
import { createTemplates, documents } from '../shared/kube-yaml.js';
import { createReport } from '../shared/report.js';
import type { EmitResult, GeneratedFile } from '../target.js';
import { k8sDialect } from './dialect.js';
import { secretsEnvExample, settingsEnv } from './env-files.js';
import { k8sReadme } from './readme.js';

export const phaseLabel = 'paasport.dev/phase';

export function emitK8sApp(app: App): EmitResult {
  const report = createReport(app, 'k8s');
  const t = createTemplates();
  const dialect = k8sDialect(app, t, report);
  const { ctx, files } = buildKubeStack(app, dialect, report);
  const dir = `templates/k8s/${app.name}`;
  const header = generatedNotice(app.specPath);
  const release = app.workloads.find((w) => w.role === 'release');
  const out: GeneratedFile[] = [];
  const resources: string[] = [];
  for (const f of files) {
    const prepare = f.resource !== undefined || f.name === 'volumes' || f.name === release?.name;
    const kind = f.resource ? 'resource' : app.workloads.some((w) => w.name === f.name) ? 'workload' : 'data';
    const name = `${kind}-${f.name}.yaml`;
    const parts = f.objects.map(({ object }) => {
      if (prepare) {
        const meta = object.metadata as { labels: Record<string, string> };
        meta.labels = { ...meta.labels, [phaseLabel]: 'prepare' };
      }
      return renderYaml(object);
    });
    resources.push(name);
    out.push({ path: `${dir}/${name}`, content: `# ${header}\n${documents(parts)}` });
  }
  const routes = kubeRoutes(ctx, `${app.name}.example.com`, (id) => `${id}.${app.name}.example.com`, {
    parentRefs: [{ name: 'traefik-gateway', namespace: 'kube-system' }],
    timeouts: { request: '0s' },
  });
  const components: string[] = [];
  if (routes.length > 0) {
    for (const [folder, file, pick] of [
      ['route-httproute', 'httproute.yaml', (r: (typeof routes)[number]) => r.httpRoute],
      ['route-ingress', 'ingress.yaml', (r: (typeof routes)[number]) => r.ingress],
    ] as const) {
      out.push(
        {
          path: `${dir}/${folder}/${file}`,
          content: `# ${header}\n${documents(routes.map((r) => renderYaml(pick(r))))}`,
        },
        {
          path: `${dir}/${folder}/kustomization.yaml`,
          content: renderYaml(
            { apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component', resources: [file] },
            { header: [header] },
          ),
        },
      );
    }
    components.push('route-httproute');
  }
  const hasSettings = keysIn(ctx, 'settings').length > 0;
  const hasSecrets = keysIn(ctx, 'secrets').length > 0;
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources,
    ...(components.length > 0 ? { components } : {}),
    ...(hasSettings
      ? { configMapGenerator: [{ name: dialect.name('settings'), envs: ['settings.env'] }] }
      : {}),
    ...(hasSecrets ? { secretGenerator: [{ name: dialect.name('secrets'), envs: ['secrets.env'] }] } : {}),
    ...(hasSettings || hasSecrets ? { generatorOptions: { labels: { [phaseLabel]: 'prepare' } } } : {}),
    ...(dialect.placeholders.length > 0
      ? {
          images: dialect.placeholders.map((name) => ({
            name,
            newName: `registry.example.com/${name}`,
            newTag: 'latest',
          })),
        }
      : {}),
  };
  out.push({
    path: `${dir}/kustomization.yaml`,
    content: renderYaml(kustomization, {
      header: [
        header,
        ...(release
          ? [
              'The release step runs before the rollout when applied in this order:',
              `  kubectl apply -k . -l ${phaseLabel}=prepare`,
              `  kubectl wait --for=condition=complete job/${dialect.name(release.name)} --timeout=15m`,
              '  kubectl apply -k .',
              `Upgrades: kubectl delete job ${dialect.name(release.name)} --ignore-not-found first (a Job cannot be changed).`,
            ]
          : ['Apply with: kubectl apply -k .']),
        ...(routes.length > 0
          ? ['Without the Gateway API: components: [route-ingress] instead of route-httproute.']
          : []),
        ...(hasSecrets ? ['Create secrets.env from secrets.env.example first.'] : []),
      ],
    }),
  });
  if (hasSettings) out.push({ path: `${dir}/settings.env`, content: settingsEnv(ctx, header) });
  if (hasSecrets) {
    out.push(
      { path: `${dir}/secrets.env.example`, content: secretsEnvExample(ctx, header) },
      { path: `${dir}/.gitignore`, content: `# ${header}\nsecrets.env\n` },
    );
  }
  if (release) {
    report.warn(
      `workloads.${release.name}`,
      'kubectl applies every object at once: the release Job runs before the rollout only in the documented apply order (prepare phase, wait for the Job, then the rest)',
    );
  }
  out.push({
    path: `${dir}/README.md`,
    content: k8sReadme(app, dialect, release?.name, hasSecrets, routes.length > 0),
  });
  return report.result(out);
}
