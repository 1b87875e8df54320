// Chart.yaml and NOTES.txt: the chart's identity, and what the operator reads after `helm install`.
import { type App, webWorkload } from '../../model/app.js';
import { generatedNotice, renderYaml } from '../../render/text.js';
import { type KubeCtx, keysIn } from '../shared/kube-context.js';

export function chartYaml(app: App): string {
  const web = webWorkload(app) ?? app.workloads[0];
  return renderYaml(
    {
      apiVersion: 'v2',
      name: app.name,
      description: app.description.replace(/\s+/g, ' '),
      type: 'application',
      version: '1.0.0',
      appVersion: web?.image?.tag ?? '1.0.0',
      keywords: app.tags,
      ...(app.documentation ? { home: app.documentation } : {}),
      ...(app.repository ? { sources: [`https://github.com/${app.repository}`] } : {}),
    },
    { header: [generatedNotice(app.specPath)] },
  );
}

/** NOTES.txt is a template too: `{{` in the notes must not start an action. */
const lit = (s: string) => s.replace(/\{\{/g, '{{ "{{" }}');

export function notesTxt(app: App, ctx: KubeCtx, hook: string, routed: boolean): string {
  const web = webWorkload(app);
  const release = app.workloads.find((w) => w.role === 'release');
  const secrets = keysIn(ctx, 'secrets');
  const lines = [
    `${lit(app.displayName)} is installed as release {{ .Release.Name }} in namespace {{ .Release.Namespace }}.`,
    '',
    ...(routed
      ? [
          '{{- if eq .Values.route.kind "HTTPRoute" }}',
          'Reach it at {{ .Values.url | default (printf "https://%s" .Values.host) }} through the HTTPRoute {{ .Release.Name }}-' +
            `${web?.name ?? 'web'}, attached to {{ range .Values.route.parentRefs }}{{ .name }} {{ end }}.`,
          "The Gateway API CRDs and that Gateway must exist (k3s: enable Traefik's Gateway provider), and the Gateway must",
          'allow routes from this namespace. Check: kubectl get httproute {{ .Release.Name }}-' +
            `${web?.name ?? 'web'} -o yaml (status.parents).`,
          ...(web?.websocket
            ? [
                'WebSockets: the route sets timeouts.request={{ .Values.route.timeouts.request | default "the controller default" }}; a controller that',
                'does not support HTTPRoute timeouts keeps its own idle timeout.',
              ]
            : []),
          '{{- else if eq .Values.route.kind "Ingress" }}',
          'Reach it at {{ .Values.url | default (printf "https://%s" .Values.host) }} through the Ingress {{ .Release.Name }}-' +
            `${web?.name ?? 'web'} (class {{ .Values.ingress.className }}).`,
          ...(web?.websocket
            ? [
                'WebSockets: Traefik passes upgrades with no idle timeout; ingress-nginx closes idle connections after 60 s unless',
                'its proxy-read-timeout/proxy-send-timeout are raised for this host.',
              ]
            : []),
          '{{- else }}',
          `No route: expose the Service {{ .Release.Name }}-${web?.name ?? 'web'} yourself.`,
          '{{- end }}',
          '',
        ]
      : []),
    ...(release
      ? [
          `The release step (${release.name}) runs as the Job {{ .Release.Name }}-${release.name}, a Helm hook (${hook.includes('post-install') ? 'after the first install while a bundled service it needs is enabled, ' : ''}before every upgrade's rollout).`,
          `Its logs: kubectl logs job/{{ .Release.Name }}-${release.name}`,
          '',
        ]
      : []),
    ...(secrets.length > 0
      ? [
          'Secrets were generated into the Secret {{ .Release.Name }}-secrets and are kept on upgrades; read one with',
          `  kubectl get secret {{ .Release.Name }}-secrets -o jsonpath='{.data.${secrets[0]?.key.replace(/\./g, '\\.')}}' | base64 -d`,
          ...(release
            ? [
                'It and the settings ConfigMap are hook objects kept on uninstall; delete them by hand when done.',
              ]
            : []),
          '',
        ]
      : []),
    ...(app.notes.length > 0 ? ['After installing:', '', ...app.notes.map(lit)] : []),
  ];
  return `{{- /* ${generatedNotice(app.specPath)} */}}\n${lines.join('\n').trimEnd()}\n`;
}
