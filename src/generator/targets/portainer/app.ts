// Portainer for a v2 app: a Compose stack template (app templates format 3) whose form asks for every value
// the stack file reads, the stack file itself (the shared compose builder, as for plain compose: Portainer
// runs `docker compose` on one host), a logo, and the merged templates.json an operator adds by URL.
import type { App } from '../../model/app.js';
import { generatedNotice, renderYaml } from '../../render/text.js';
import { drawLogo } from '../caprover/logo.js';
import { buildComposeStack, composeDocument } from '../shared/compose-stack.js';
import { type EnvEntry, secretCommand } from '../shared/compose-vars.js';
import { createReport } from '../shared/report.js';
import type { EmitResult, GeneratedFile } from '../target.js';
import { listFile, type PortainerEnv, type PortainerTemplate } from './templates-list.js';

function envField(e: EnvEntry): PortainerEnv {
  const fill = e.fill;
  if ('generate' in fill) {
    const s = fill.generate;
    return {
      name: e.name,
      label: `${e.name} (generate once)`,
      description: `A random ${s.format === 'uuid' ? 'UUID' : `${s.format} value of ${s.length} characters`} for ${e.owner}, kept for every redeploy; make one with: ${secretCommand(s)}`,
    };
  }
  if ('input' in fill) {
    const i = fill.input;
    const facts = [
      ...(i.required && i.default === undefined ? ['required'] : []),
      ...(i.pattern ? [`must match /${i.pattern}/`] : []),
    ];
    const description = [i.description, facts.length > 0 ? `(${facts.join(', ')})` : undefined]
      .filter((x) => x !== undefined)
      .join(' ');
    return {
      name: e.name,
      label: i.label,
      ...(description ? { description } : {}),
      ...(i.default !== undefined && !i.secret ? { default: i.default } : {}),
    };
  }
  return { name: e.name, label: e.name, description: fill.comment, default: fill.example };
}

/** Markdown notes as the HTML Portainer shows in the form. */
function noteHtml(app: App): string | undefined {
  if (app.notes.length === 0) return undefined;
  const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return app.notes.map((n) => `<p>${html(n).replace(/\n/g, '<br>')}</p>`).join('');
}

export function emitPortainerApp(app: App): EmitResult {
  const report = createReport(app, 'portainer');
  const dir = `templates/portainer/${app.name}`;
  const stack = buildComposeStack(app, 'compose', report, 'the stack environment');
  for (const w of app.workloads) {
    if (!w.image) {
      report.fail(
        `workloads.${w.name}.image`,
        'Portainer deploys a stack template from its Git repository without building images',
        'publish the image and name it (image: repository:tag)',
      );
    }
  }
  if (!app.repository) {
    report.warn(
      'portainer.template',
      'a Portainer app template loads its stack file from a public Git repository, and the spec names none: no templates.json entry is written; deploy the stack file under Stacks > Add stack > Upload, or set repository (GitHub owner/name)',
    );
  }
  const entries = stack.vars.entries();
  const generated = entries.filter((e) => 'generate' in e.fill).map((e) => e.name);
  if (generated.length > 0) {
    report.warn(
      'portainer.secrets',
      `Portainer cannot generate values: the form asks for ${generated.join(', ')} (each tooltip gives a command), and they must stay the same on every redeploy`,
    );
  }
  for (const i of app.inputs.filter((x) => x.pattern)) {
    report.warn(
      `inputs.${i.id}.pattern`,
      'Portainer does not check values against a pattern; the tooltip states it',
    );
  }
  const repo = `https://github.com/${app.repository ?? ''}`;
  const note = noteHtml(app);
  const template: PortainerTemplate = {
    type: 3,
    name: app.name,
    title: app.displayName,
    description: app.description,
    ...(note ? { note } : {}),
    categories: [app.category],
    platform: 'linux',
    ...(app.repository
      ? { logo: `https://raw.githubusercontent.com/${app.repository}/HEAD/${dir}/logo.png` }
      : {}),
    repository: { url: repo, stackfile: `${dir}/docker-compose.yml` },
    env: entries.map(envField),
  };
  const doc = composeDocument(app.name, stack);
  const header = [
    generatedNotice(app.specPath),
    ...(app.repository
      ? [
          `Portainer stack file: add https://raw.githubusercontent.com/${app.repository}/HEAD/templates/portainer/templates.json`,
          'under Settings > App Templates, then deploy it from App Templates; the form fills the variables below.',
        ]
      : [
          'Portainer stack file: Stacks > Add stack > Upload, then set the variables below under Environment variables.',
        ]),
  ];
  const files: GeneratedFile[] = [
    { path: `${dir}/docker-compose.yml`, content: renderYaml(doc, { header }) },
    { path: `${dir}/logo.png`, content: app.logo ?? drawLogo(app.name) },
    ...(app.repository ? [listFile([template])] : []),
  ];
  return report.result(files);
}
