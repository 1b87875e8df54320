// The chart's settings ConfigMap and Secret, which every reference of the app reads. Secrets are generated at
// install (randAlphaNum and friends) and kept across upgrades by reading the live Secret with `lookup`; an
// installer's secret inputs are kept the same way once given. Nothing secret is written into the chart.
import type { GeneratedSecret } from '../../model/app.js';
import type { KeyEntry, KubeCtx } from '../shared/kube-context.js';
import { keysIn, valuesRef } from '../shared/kube-context.js';
import { releaseName, stringExpr } from './dialect.js';

/** A random value of the secret's format, as a Go template expression. */
export function generateExpr(s: GeneratedSecret): string {
  switch (s.format) {
    case 'alphanumeric':
      return `randAlphaNum ${s.length}`;
    case 'uuid':
      return 'uuidv4';
    case 'base64':
      return `randBytes ${Math.ceil((s.length * 3) / 4) + 3} | trunc ${s.length}`;
    case 'hex': {
      // 64 hex characters per sha256 of 64 random alphanumerics (about 380 bits in).
      const n = Math.ceil(s.length / 64);
      return `printf "${'%s'.repeat(n)}"${' (sha256sum (randAlphaNum 64))'.repeat(n)} | trunc ${s.length}`;
    }
  }
}

function enabled(resource: string): string {
  return `${valuesRef(['resources', resource])}.enabled`;
}

function settingValue(e: KeyEntry): string {
  const s = e.source;
  switch (s.kind) {
    case 'app':
      return s.output === 'host'
        ? `{{ required "set host: the public host name of the app" .Values.host | quote }}`
        : `{{ .Values.url | default (printf "https://%s" .Values.host) | quote }}`;
    case 'input': {
      const ref = `${valuesRef(['inputs'])}.${s.input.id}`;
      return s.input.required && s.input.default === undefined
        ? `{{ required "set inputs.${s.input.id}: ${s.input.label.replace(/"/g, "'")}" ${ref} | quote }}`
        : `{{ ${ref} | default "" | quote }}`;
    }
    case 'setting':
      return `{{ required "set ${s.path.join('.')}: ${s.comment}" ${valuesRef(s.path)} | quote }}`;
    case 'resource': {
      const ext = `${valuesRef(['resources', s.resource])}.external.${s.output}`;
      const external =
        s.externalDefault !== undefined
          ? `{{ ${ext} | toString | quote }}`
          : `{{ required "set resources.${s.resource}.external.${s.output} (resources.${s.resource}.enabled is false)" ${ext} | toString | quote }}`;
      return `{{ if ${enabled(s.resource)} }}{{ ${stringExpr(s.bundled ?? '')} | quote }}{{ else }}${external.slice(0)}{{ end }}`;
    }
    case 'generated':
      throw new Error('a generated secret is not a setting');
  }
}

function secretValue(e: KeyEntry): string {
  const s = e.source;
  const kept = (fallback: string) =>
    `{{ with index $old ${JSON.stringify(e.key)} }}{{ . }}{{ else }}${fallback}{{ end }}`;
  switch (s.kind) {
    case 'generated':
      return kept(`{{ ${generateExpr(s.secret)} | b64enc }}`);
    case 'input': {
      const ref = `${valuesRef(['inputs'])}.${s.input.id}`;
      const missing =
        s.input.required && s.input.default === undefined
          ? `{{ required "set inputs.${s.input.id}: ${s.input.label.replace(/"/g, "'")}" ${ref} | b64enc }}`
          : `{{ ${ref} | default ${JSON.stringify(s.input.default ?? '')} | b64enc }}`;
      return `{{ if ${ref} }}{{ ${ref} | b64enc }}{{ else }}${kept(missing)}{{ end }}`;
    }
    case 'resource': {
      const ext = `${valuesRef(['resources', s.resource])}.external.${s.output}`;
      const generated = kept(
        `{{ ${generateExpr(s.generate ?? { id: e.key, format: 'alphanumeric', length: 32 })} | b64enc }}`,
      );
      return `{{ if ${enabled(s.resource)} }}${generated}{{ else }}{{ required "set resources.${s.resource}.external.${s.output} (resources.${s.resource}.enabled is false)" ${ext} | b64enc }}{{ end }}`;
    }
    default:
      throw new Error(`${e.key} is not a secret`);
  }
}

function metadata(kind: string, ctx: KubeCtx, hook: boolean): string[] {
  return [
    'apiVersion: v1',
    `kind: ${kind}`,
    'metadata:',
    `  name: ${releaseName}-${kind === 'Secret' ? 'secrets' : 'settings'}`,
    '  labels:',
    ...Object.entries(ctx.dialect.labels('config')).map(
      ([k, v]) => `    ${k}: ${v.startsWith('{{') || v.includes('{{') ? `"${v}"` : v}`,
    ),
    ...(hook
      ? [
          '  annotations:',
          "    # The release Job runs as a hook before the release's own objects exist, and reads these.",
          '    "helm.sh/hook": pre-install,pre-upgrade',
          '    "helm.sh/hook-weight": "-10"',
          '    "helm.sh/hook-delete-policy": before-hook-creation',
          '    "helm.sh/resource-policy": keep',
        ]
      : kind === 'Secret'
        ? [
            '  annotations:',
            '    # Kept on uninstall: the claims of bundled services keep data made with these passwords.',
            '    "helm.sh/resource-policy": keep',
          ]
        : []),
  ];
}

export function settingsTemplate(ctx: KubeCtx, hook: boolean, header: string): string {
  const entries = keysIn(ctx, 'settings');
  return `${[
    `{{- /* ${header} */}}`,
    ...metadata('ConfigMap', ctx, hook),
    ...(entries.length > 0
      ? ['data:', ...entries.map((e) => `  ${e.key}: ${settingValue(e)}`)]
      : ['data: {}']),
  ].join('\n')}\n`;
}

export function secretTemplate(ctx: KubeCtx, hook: boolean, header: string): string {
  const entries = keysIn(ctx, 'secrets');
  return `${[
    `{{- /* ${header} */}}`,
    `{{- $live := lookup "v1" "Secret" .Release.Namespace (printf "%s-secrets" .Release.Name) }}`,
    '{{- $old := dict }}',
    '{{- if $live }}{{- $old = $live.data | default dict }}{{- end }}',
    ...metadata('Secret', ctx, hook),
    'type: Opaque',
    ...(entries.length > 0
      ? ['data:', ...entries.map((e) => `  ${e.key}: "${secretValue(e)}"`)]
      : ['data: {}']),
  ].join('\n')}\n`;
}
