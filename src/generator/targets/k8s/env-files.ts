// The two env files the kustomization's generators read: settings.env (written, no secrets: the operator
// edits host names and inputs) and secrets.env, of which only secrets.env.example is written, with the
// command that generates each value; the real file never leaves the operator's machine.

import { secretCommand } from '../shared/compose-vars.js';
import type { KeyEntry, KubeCtx } from '../shared/kube-context.js';
import { keysIn } from '../shared/kube-context.js';

function settingLines(e: KeyEntry, app: string): string[] {
  const s = e.source;
  switch (s.kind) {
    case 'app':
      return [
        `# ${s.output === 'url' ? 'Public URL of the app, as browsers reach it' : 'Public host name of the app (also in the route)'}`,
        `${e.key}=${s.output === 'url' ? `https://${app}.example.com` : `${app}.example.com`}`,
      ];
    case 'input': {
      const i = s.input;
      const facts = [
        i.required && i.default === undefined ? 'required' : 'optional',
        ...(i.pattern ? [`must match /${i.pattern}/`] : []),
      ];
      return [
        `# ${i.label} (${facts.join(', ')})${i.description ? `: ${i.description}` : ''}`,
        `${e.key}=${i.default ?? ''}`,
      ];
    }
    case 'setting':
      return [`# ${s.comment}`, `${e.key}=${s.example}`];
    case 'resource':
      return [`${e.key}=${s.bundled ?? s.externalDefault ?? ''}`];
    case 'generated':
      return [];
  }
}

export function settingsEnv(ctx: KubeCtx, header: string): string {
  const lines = [
    `# ${header}`,
    '# Settings of the app (ConfigMap <app>-settings). Edit the host names; an external service replaces the',
    '# resource.* values of a bundled one (then drop its resource-*.yaml from kustomization.yaml).',
    ...keysIn(ctx, 'settings').flatMap((e) => settingLines(e, ctx.app.name)),
  ];
  return `${lines.join('\n')}\n`;
}

export function secretsEnvExample(ctx: KubeCtx, header: string): string {
  const entries = keysIn(ctx, 'secrets');
  const generated = entries.flatMap((e) => {
    const s = e.source;
    if (s.kind === 'generated') return [[e.key, secretCommand(s.secret)]];
    if (s.kind === 'resource' && s.generate) return [[e.key, secretCommand(s.generate)]];
    return [];
  });
  const lines = [
    `# ${header}`,
    '# Copy to secrets.env (never commit it) and fill in every value; kustomize makes the Secret <app>-secrets.',
    ...(generated.length > 0
      ? [
          '# All generated values at once (bash):',
          `#   { ${generated.map(([k, c]) => `echo "${k}=$(${c})"`).join('; ')}; } > secrets.env`,
        ]
      : []),
    ...entries.flatMap((e) => {
      const s = e.source;
      if (s.kind === 'input') {
        const i = s.input;
        return [
          `# ${i.label} (${i.required && i.default === undefined ? 'required' : 'optional'}, secret)`,
          `${e.key}=`,
        ];
      }
      const command = generated.find(([k]) => k === e.key)?.[1];
      return [`# ${command ? `generate: ${command}` : 'fill in'}`, `${e.key}=`];
    }),
  ];
  return `${lines.join('\n')}\n`;
}
