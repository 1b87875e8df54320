// docker-compose for a v2 app: every workload and bundled resource as a service, the release step as a
// one-shot service the others wait for, config files inline (`configs: content:`), settings from `.env`.
import type { App } from '../../model/app.js';
import { generatedNotice, renderYaml } from '../../render/text.js';
import { buildComposeStack, composeDocument } from '../shared/compose-stack.js';
import { envExampleLines } from '../shared/compose-vars.js';
import { createReport } from '../shared/report.js';
import type { EmitResult, GeneratedFile } from '../target.js';

export function emitComposeApp(app: App): EmitResult {
  const report = createReport(app, 'compose');
  const dir = `templates/compose/${app.name}`;
  const stack = buildComposeStack(app, 'compose', report, '.env');
  for (const w of app.workloads) {
    if (w.sessionAffinity && w.replicas > 1) {
      report.warn(
        `workloads.${w.name}.sessionAffinity`,
        'plain compose runs one container, so every session reaches it',
      );
    }
  }
  const doc = composeDocument(app.name, stack);
  const header = [
    generatedNotice(app.specPath),
    'Start with: cp .env.example .env, fill it in, then docker compose up -d',
  ];
  const files: GeneratedFile[] = [
    { path: `${dir}/docker-compose.yml`, content: renderYaml(doc, { header }) },
    {
      path: `${dir}/.env.example`,
      content: `${[`# ${generatedNotice(app.specPath)}`, `# Settings for ${dir}/docker-compose.yml; copy to .env.`, '', ...envExampleLines(stack.vars.entries())].join('\n')}\n`,
    },
  ];
  if (app.notes.length > 0) files.push({ path: `${dir}/README.md`, content: readme(app) });
  return report.result(files);
}

function readme(app: App): string {
  return `${[
    `# ${app.displayName} with docker compose`,
    '',
    `<!-- ${generatedNotice(app.specPath)} -->`,
    '',
    app.description,
    '',
    '1. `cp .env.example .env` and fill in every value (the file says how to generate each secret).',
    '2. `docker compose up -d`',
    '',
    '## After installing',
    '',
    app.notes.join('\n\n'),
  ].join('\n')}\n`;
}
