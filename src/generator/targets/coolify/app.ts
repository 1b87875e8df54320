// Coolify for a v2 app: the one-click service template (templates/coolify/<name>.yaml: images only, header
// comments, magic variables) and the root docker-compose.coolify.yaml of Coolify's Docker Compose build pack (builds
// from the repository), plus install notes. Both stay plain Compose Spec: no Coolify-only keys.
import type { App } from '../../model/app.js';
import { bundled } from '../../model/resource.js';
import { generatedNotice, renderYaml, sortedRecord } from '../../render/text.js';
import { provisionerFor } from '../shared/provisioner.js';
import { createReport, type Report } from '../shared/report.js';
import type { EmitResult, GeneratedFile } from '../target.js';
import { coolifyGenerates, createMagicSet } from './app-magic.js';
import { coolProvisioners } from './app-resources.js';
import { type CoolCtx, mainWeb, type Service, serviceName } from './app-values.js';
import { workloadService } from './app-workload.js';

function buildStack(app: App, git: boolean, report: Report): Record<string, unknown> {
  const ctx: CoolCtx = {
    app,
    git,
    report,
    magic: createMagicSet(report),
    provisioners: coolProvisioners,
    published: new Map(),
    initJobs: new Map(
      bundled(app.resources)
        .filter((r) => r.type === 's3')
        .map((r) => [r.id, `${r.id}-init`]),
    ),
  };
  const services: Record<string, Service> = {};
  const volumes = new Set<string>();
  const configs: Record<string, string> = {};
  const add = (name: string, s: Service, owner: string) => {
    if (services[name]) report.fail(owner, `service name "${name}" is taken by another service`, 'rename it');
    services[name] = s;
  };
  for (const w of app.workloads) {
    const unit = workloadService(w, ctx);
    add(serviceName(app, w.name), unit.service, `workloads.${w.name}`);
    for (const v of w.volumes) volumes.add(v.volume);
    Object.assign(configs, unit.configs);
  }
  for (const r of bundled(app.resources)) {
    const unit = provisionerFor(coolProvisioners, r).provision(r, ctx);
    for (const [name, s] of Object.entries(unit.services)) add(name, s, `resources.${r.id}`);
    for (const v of unit.volumes) volumes.add(v);
  }
  return {
    services: sortedRecord(services),
    ...(volumes.size > 0 ? { volumes: Object.fromEntries([...volumes].sort().map((v) => [v, {}])) } : {}),
    ...(Object.keys(configs).length > 0
      ? {
          configs: Object.fromEntries(
            Object.entries(sortedRecord(configs)).map(([k, content]) => [k, { content }]),
          ),
        }
      : {}),
  };
}

function header(app: App): string[] {
  const docs =
    app.documentation ??
    (app.repository ? `https://github.com/${app.repository}` : 'https://coolify.io/docs');
  const port =
    mainWeb(app)?.ports.find((p) => p.http && p.public)?.port ??
    app.workloads.flatMap((w) => w.ports)[0]?.port;
  return [
    `documentation: ${docs}`,
    `slogan: ${app.description.replace(/\s+/g, ' ')}`,
    `category: ${app.category}`,
    `tags: ${app.tags.join(',')}`,
    `logo: svgs/${app.name}.png`,
    ...(port !== undefined ? [`port: ${port}`] : []),
  ];
}

/**
 * Where the installer learns what to fill in and what to do after: inputs and the secrets Coolify cannot
 * generate (required variables), then the spec's notes.
 */
function notes(app: App): string | undefined {
  const secrets = app.secrets.filter((s) => !coolifyGenerates(s));
  if (app.inputs.length === 0 && secrets.length === 0 && app.notes.length === 0) return undefined;
  const lines = [`# ${app.displayName} on Coolify`, '', `<!-- ${generatedNotice(app.specPath)} -->`, ''];
  if (app.inputs.length > 0 || secrets.length > 0) {
    lines.push('Fill in these environment variables before the first deploy:', '');
    for (const s of secrets) {
      lines.push(
        `- \`${s.id}\`: a random ${s.format === 'uuid' ? 'UUID' : `${s.format} value of ${s.length} characters`} (required, secret). Coolify cannot generate it${s.format === 'uuid' ? '; make one with `uuidgen`' : ''}`,
      );
    }
    for (const i of app.inputs) {
      const facts = [
        i.required && i.default === undefined ? 'required' : 'optional',
        ...(i.secret ? ['secret'] : []),
      ];
      lines.push(
        `- \`${i.id}\`: ${i.label} (${facts.join(', ')})${i.description ? `. ${i.description}` : ''}`,
      );
    }
    lines.push('');
  }
  if (app.notes.length > 0) lines.push('## After installing', '', app.notes.join('\n\n'), '');
  return `${lines.join('\n').trimEnd()}\n`;
}

export function emitCoolifyApp(app: App): EmitResult {
  const report = createReport(app, 'coolify');
  const notice = generatedNotice(app.specPath);
  const files: GeneratedFile[] = [];
  for (const w of app.workloads) {
    if (w.replicas > 1) {
      report.warn(
        `workloads.${w.name}.replicas`,
        `Coolify names every container, so a stack runs one container per service (not ${w.replicas}); it then serves every session`,
      );
    }
  }
  const buildOnly = app.workloads.filter((w) => !w.image).map((w) => w.name);
  if (buildOnly.length > 0) {
    report.warn(
      'coolify.template',
      `no one-click template: ${buildOnly.join(', ')} only build from the repository (the Git compose file builds them)`,
    );
  } else {
    const template = renderYaml(buildStack(app, false, report), { header: [...header(app), '', notice] });
    files.push({ path: `templates/coolify/${app.name}.yaml`, content: template });
  }
  // The Git file reports the same findings: keep them once.
  const git = renderYaml(
    buildStack(app, true, buildOnly.length > 0 ? report : createReport(app, 'coolify')),
    {
      header: [
        notice,
        "For Coolify's Docker Compose build pack (deploy from Git): set its Docker Compose Location to /docker-compose.coolify.yaml.",
      ],
    },
  );
  files.push({ path: 'docker-compose.coolify.yaml', content: git });
  const readme = notes(app);
  if (readme) files.push({ path: `templates/coolify/${app.name}.md`, content: readme });
  return report.result(files);
}
