// Helm chart of a v2 app (templates/helm/<name>/): a Deployment per workload, the release step as a hook Job
// that runs before the rollout, bundled resources as StatefulSets switchable to external services, settings
// and generated Secrets, Services, PodDisruptionBudgets and an HTTPRoute or Ingress, all driven by values.
import { type App, webWorkload } from '../../model/app.js';
import { refsOf } from '../../model/value.js';
import { generatedNotice, renderJson } from '../../render/text.js';
import { workloadValues } from '../shared/compose-workload.js';
import { valuesRef } from '../shared/kube-context.js';
import { kubeRoutes } from '../shared/kube-route.js';
import { buildKubeStack } from '../shared/kube-stack.js';
import { createTemplates, documents } from '../shared/kube-yaml.js';
import { createReport } from '../shared/report.js';
import type { EmitResult, GeneratedFile } from '../target.js';
import { chartYaml, notesTxt } from './chart.js';
import { helmDialect } from './dialect.js';
import { secretTemplate, settingsTemplate } from './settings.js';
import { helmValues, valuesSchema, valuesYaml } from './values.js';

/** The hook phases of the release Job: before install unless it needs a bundled service, which exists only after. */
function releaseHook(app: App): string {
  const release = app.workloads.find((w) => w.role === 'release');
  if (!release) return '';
  const used = new Set([
    ...workloadValues(release).flatMap((v) => refsOf(v, 'resource').map((r) => r.resource)),
    ...release.dependsOn.flatMap((d) => ('resource' in d.on ? [d.on.resource] : [])),
  ]);
  const needs = app.resources.filter((r) => used.has(r.id) && !r.external && r.type !== 'volume');
  if (release.volumes.length > 0) return 'post-install,pre-upgrade';
  if (needs.length === 0) return 'pre-install,pre-upgrade';
  const any = needs.map((r) => `${valuesRef(['resources', r.id])}.enabled`);
  const cond = any.length === 1 ? any[0] : `or ${any.join(' ')}`;
  return `{{ if ${cond} }}post-install{{ else }}pre-install{{ end }},pre-upgrade`;
}

export function emitHelmApp(app: App): EmitResult {
  const report = createReport(app, 'helm');
  const t = createTemplates();
  const dialect = helmDialect(app, t, report);
  const { ctx, files } = buildKubeStack(app, dialect, report);
  const dir = `templates/helm/${app.name}`;
  const header = generatedNotice(app.specPath);
  const web = webWorkload(app);
  const routes = kubeRoutes(
    ctx,
    '{{ required "set host: the public host name of the app" .Values.host }}',
    (id) =>
      `{{ (urlParse (required "set resources.${id}.publicEndpoint: the URL browsers reach the S3 API at" ${valuesRef(['resources', id])}.publicEndpoint)).hostname }}`,
    {
      parentRefs: t.block('.Values.route.parentRefs'),
      timeouts: t.block('.Values.route.timeouts'),
      ingressClassName: t.scalar('{{ .Values.ingress.className | quote }}'),
      tls: t.block('.Values.ingress.tls'),
    },
  );
  const hook = releaseHook(app);
  const out: GeneratedFile[] = [];
  const template = (name: string, content: string) => out.push({ path: `${dir}/templates/${name}`, content });
  for (const f of files) {
    const parts = f.objects.map(({ object, when }) => {
      if ((object as { kind: string }).kind === 'Job' && hook !== '') {
        const meta = object.metadata as Record<string, unknown>;
        meta.annotations = {
          'helm.sh/hook': t.scalar(hook),
          'helm.sh/hook-weight': '0',
          'helm.sh/hook-delete-policy': 'before-hook-creation',
        };
      }
      const text = t.yaml(object);
      return when ? `{{- if ${when} }}\n${text}{{- end }}\n` : text;
    });
    const body = documents(parts);
    const kind = f.resource ? 'resource' : app.workloads.some((w) => w.name === f.name) ? 'workload' : 'data';
    const wrapped = f.resource
      ? `{{- if ${valuesRef(['resources', f.resource])}.enabled }}\n${body}{{- end }}\n`
      : body;
    template(`${kind}-${f.name}.yaml`, `{{- /* ${header} */}}\n${wrapped}`);
  }
  if (routes.length > 0) {
    const kinds = (pick: (r: (typeof routes)[number]) => Record<string, unknown>) =>
      documents(routes.map((r) => t.yaml(pick(r))));
    template(
      'route.yaml',
      `{{- /* ${header} */}}\n{{- if eq .Values.route.kind "HTTPRoute" }}\n${kinds((r) => r.httpRoute)}{{- else if eq .Values.route.kind "Ingress" }}\n${kinds((r) => r.ingress)}{{- end }}\n`,
    );
  }
  const hasRelease = hook !== '';
  template('settings.yaml', settingsTemplate(ctx, hasRelease, header));
  template('secrets.yaml', secretTemplate(ctx, hasRelease, header));
  template(
    'NOTES.txt',
    notesTxt(
      app,
      ctx,
      hook,
      routes.some((r) => r.component === web?.name),
    ),
  );
  const values = helmValues(app, ctx, web?.websocket ?? false);
  out.push(
    { path: `${dir}/Chart.yaml`, content: chartYaml(app) },
    { path: `${dir}/values.yaml`, content: valuesYaml(app, values) },
    { path: `${dir}/values.schema.json`, content: renderJson(valuesSchema(app, values)) },
    { path: `${dir}/.helmignore`, content: `# ${header}\n.git/\n*.tgz\n` },
  );
  return report.result(out);
}
