// Dokploy for a v2 app: a template in the layout of Dokploy's templates repository (blueprints/<name>/ with
// docker-compose.yml, template.toml, meta.json and a logo) plus the root meta.json a Dokploy instance reads
// from a custom base URL. The compose file comes from the shared compose builder, reshaped to Dokploy's
// template rules: no host ports (public HTTP ports become [[config.domains]]), files as [[config.mounts]].
import type { App } from '../../model/app.js';
import { refsOf, type Value } from '../../model/value.js';
import type { Port } from '../../model/workload.js';
import { generatedNotice, renderYaml } from '../../render/text.js';
import { renderToml, type TomlTable } from '../../render/toml.js';
import { drawLogo } from '../caprover/logo.js';
import { s3PublicVar } from '../shared/compose-amqp-s3.js';
import { composeProvisioners } from '../shared/compose-resources.js';
import { buildComposeStack } from '../shared/compose-stack.js';
import { type ComposeCtx, renderCompose, type Service } from '../shared/compose-values.js';
import { createReport, type Report } from '../shared/report.js';
import type { EmitResult, GeneratedFile } from '../target.js';
import { indexFile, metaOf } from './meta.js';
import { mainDomain, templateVars, variableName } from './variables.js';

interface Domain {
  serviceName: string;
  port: number;
  variable: string;
}

const hidePorts = (ports: Port[]) => ports.map((p) => ({ ...p, public: false }));

/** The app with no published ports: Dokploy's proxy reaches HTTP ports by domain, its rules forbid host ports. */
function unpublished(app: App): App {
  return {
    ...app,
    workloads: app.workloads.map((w) => ({ ...w, ports: hidePorts(w.ports) })),
    resources: app.resources.map((r) => (r.type === 'service' ? { ...r, ports: hidePorts(r.ports) } : r)),
  };
}

function snake(name: string): string {
  return name.replace(/-/g, '_').toLowerCase();
}

/** Public ports: HTTP ones get a domain each (the main web port `main_domain`), others a container port. */
function routePorts(app: App, services: Record<string, Service>, report: Report): Domain[] {
  const domains: Domain[] = [];
  const owners = [
    ...app.workloads.map((w) => ({ name: w.name, owner: `workloads.${w.name}`, ports: w.ports })),
    ...app.resources.flatMap((r) =>
      r.type === 'service' && !r.external ? [{ name: r.id, owner: `resources.${r.id}`, ports: r.ports }] : [],
    ),
  ];
  for (const o of owners) {
    for (const p of o.ports.filter((x) => x.public)) {
      if (p.http) {
        const variable = domains.length === 0 ? mainDomain : `${snake(o.name)}_${p.port}_domain`;
        domains.push({ serviceName: o.name, port: p.port, variable });
        continue;
      }
      const service = services[o.name] as Service;
      const entry = `${p.port}${p.protocol === 'udp' ? '/udp' : ''}`;
      service.ports = [...((service.ports as string[] | undefined) ?? []), entry];
      report.warn(
        `${o.owner}.ports.${p.name}`,
        `Dokploy's template rules allow no fixed host port: ${entry} is published on a port Docker picks (see docker compose port), or map it in the compose file after installing`,
      );
    }
  }
  for (const r of app.resources) {
    if (r.type !== 's3' || r.external || !r.public) continue;
    delete (services[r.id] as Service).ports;
    domains.push({ serviceName: r.id, port: 9000, variable: `${snake(r.id)}_domain` });
  }
  return domains;
}

/** Compose syntax (`${DB_PASSWORD:?…}`, `$$`) as Dokploy template syntax (`${db_password}`, `$`). */
function asTemplateText(composeText: string): string {
  return composeText.replace(/\$\$|\$\{([A-Z][A-Z0-9_]*)(?::[-?][^}]*)?\}/g, (_m, name?: string) =>
    name ? `\${${variableName(name)}}` : '$',
  );
}

export function emitDokployApp(app: App): EmitResult {
  const report = createReport(app, 'dokploy');
  const routed = unpublished(app);
  const stack = buildComposeStack(routed, 'compose', report, 'the environment');
  const domains = routePorts(app, stack.services, report);
  const ctx: ComposeCtx = {
    app: routed,
    flavor: 'compose',
    vars: stack.vars,
    report,
    publish: () => '',
    initJobs: new Map(),
    provisioners: composeProvisioners,
  };
  const render = (v: Value) => asTemplateText(renderCompose(v, ctx));
  const mounts: TomlTable[] = [];
  for (const w of app.workloads) {
    if (!w.image) {
      report.fail(
        `workloads.${w.name}.image`,
        'a Dokploy template deploys images and cannot build one; the workload only has a build',
        'publish the image and name it (image: repository:tag)',
      );
    }
    const service = stack.services[w.name] as Service;
    if (w.files.length === 0) continue;
    delete service.configs;
    const binds = w.files.map((f) => {
      const filePath = `/${w.name}${f.path}`;
      mounts.push({ filePath, content: render(f.content) });
      if (refsOf(f.content, 'input').length > 0) {
        report.warn(
          `workloads.${w.name}.files.${f.path}`,
          'Dokploy writes the file once, at install, with the inputs it reads as they were then; edit it under Advanced > Volumes when they change',
        );
      }
      return `../files${filePath}:${f.path}:ro`;
    });
    service.volumes = [...((service.volumes as string[] | undefined) ?? []), ...binds];
  }
  for (const w of app.workloads) {
    if (w.sessionAffinity && w.replicas > 1) {
      report.warn(
        `workloads.${w.name}.sessionAffinity`,
        "a Dokploy domain has no sticky sessions: Traefik spreads requests over the service's containers",
      );
    }
  }
  const main = domains.find((d) => d.variable === mainDomain);
  const settings: Record<string, string> = {
    ...(main ? { APP_URL: `http://\${${mainDomain}}`, APP_HOST: `\${${mainDomain}}` } : {}),
    ...Object.fromEntries(
      app.resources.flatMap((r) =>
        r.type === 's3' && r.public && !r.external
          ? [[s3PublicVar(r), `http://\${${snake(r.id)}_domain}`]]
          : [],
      ),
    ),
  };
  if (!main && stack.vars.entries().some((e) => e.name === 'APP_URL' || e.name === 'APP_HOST')) {
    report.fail('app.url', 'the app reads its URL but has no web workload with a public HTTP port to route');
  }
  const vars = templateVars(
    stack.vars.entries(),
    Object.fromEntries(domains.map((d) => [d.variable, '${domain}'])),
    settings,
    report,
  );
  const doc = {
    services: stack.services,
    ...(stack.volumes.length > 0 ? { volumes: Object.fromEntries(stack.volumes.map((v) => [v, {}])) } : {}),
  };
  const template: TomlTable = {
    variables: vars.variables,
    config: {
      domains: domains.map((d) => ({ serviceName: d.serviceName, port: d.port, host: `\${${d.variable}}` })),
      env: vars.env,
      mounts,
    },
  };
  const dir = `blueprints/${app.name}`;
  const logoName = `${app.name}.png`;
  const meta = metaOf(app, logoName);
  const notice = generatedNotice(app.specPath);
  const files: GeneratedFile[] = [
    { path: `${dir}/docker-compose.yml`, content: renderYaml(doc, { header: [notice] }) },
    { path: `${dir}/template.toml`, content: renderToml(template, [notice]) },
    { path: `${dir}/meta.json`, content: `${JSON.stringify(meta, null, 2)}\n` },
    { path: `${dir}/${logoName}`, content: app.logo ?? drawLogo(app.name) },
    indexFile([meta]),
  ];
  const readme = notes(
    app,
    stack.vars
      .entries()
      .filter((e) => 'input' in e.fill)
      .map((e) => e.name),
  );
  if (readme) files.push({ path: `${dir}/README.md`, content: readme });
  return report.result(files);
}

function notes(app: App, inputs: string[]): string | undefined {
  if (app.notes.length === 0 && inputs.length === 0) return undefined;
  const lines = [`# ${app.displayName} on Dokploy`, '', `<!-- ${generatedNotice(app.specPath)} -->`, ''];
  if (inputs.length > 0) {
    lines.push("Check these under the service's Environment before the first deploy:", '');
    for (const id of inputs) {
      const i = app.inputs.find((x) => x.id === id);
      lines.push(`- \`${id}\`: ${i?.label ?? id}${i?.description ? `. ${i.description}` : ''}`);
    }
    lines.push('');
  }
  if (app.notes.length > 0) lines.push('## After installing', '', app.notes.join('\n\n'), '');
  return `${lines.join('\n').trimEnd()}\n`;
}
