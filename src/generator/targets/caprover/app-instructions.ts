// Markdown CapRover shows before (start) and after (end) a v2 one-click deploy: the apps it creates, then the
// steps the template cannot do itself (HTTPS, instance counts, Service Update Overrides, published ports,
// hand-run release steps, files), cluster notes and the spec's own notes.

import { overrideYaml } from './app-override.js';
import { appNameVar, type CapCtx, type CapService, serviceName, webOf } from './app-values.js';

function role(ctx: CapCtx, name: string): string {
  const w = ctx.app.workloads.find((x) => serviceName(ctx.app, x.name) === name);
  if (w)
    return w === webOf(ctx.app)
      ? `${ctx.app.displayName} (web)`
      : `${ctx.app.displayName} ${w.role} \`${w.name}\``;
  const r = ctx.app.resources.find((x) => serviceName(ctx.app, x.id) === name);
  const kinds = {
    postgres: 'PostgreSQL',
    redis: 'Redis',
    s3: 'MinIO (S3-compatible storage)',
    amqp: 'RabbitMQ',
    volume: 'volume',
    service: 'service',
  };
  return r ? `${kinds[r.type]} \`${r.id}\`` : name;
}

export function startText(ctx: CapCtx, services: Record<string, CapService>): string {
  const lines = [
    ctx.app.description,
    '',
    'This creates these apps:',
    '',
    ...Object.keys(services).map((name) => `- \`${name}\`: ${role(ctx, name)}`),
  ];
  if (ctx.vars.list().some((v) => v.defaultValue?.includes('$$cap_gen_random_hex'))) {
    lines.push('', 'Passwords and secret keys are generated below; keep them unless you bring your own.');
  }
  if (ctx.variant === 'cluster') {
    const built = builtApps(services);
    lines.push(
      '',
      'For a CapRover **cluster** (several nodes in Docker Swarm). Before you add nodes, CapRover needs a Docker',
      built.length > 0
        ? `registry (Cluster page) that it can push to: ${built.join(', ')} are built on the server from two Dockerfile lines.`
        : 'registry (Cluster page). These apps pull public images, so they deploy without pushing to it.',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Apps built on the server from `dockerfileLines` (the image plus a CMD). */
function builtApps(services: Record<string, CapService>): string[] {
  return Object.entries(services)
    .filter(([, s]) => (s.caproverExtra as { dockerfileLines?: unknown } | undefined)?.dockerfileLines)
    .map(([n]) => `\`${n}\``);
}

function isPublicWeb(service: CapService): boolean {
  const extra = service.caproverExtra as Record<string, string> | undefined;
  return extra?.containerHttpPort !== undefined;
}

export function endText(ctx: CapCtx, services: Record<string, CapService>): string {
  const web = webOf(ctx.app);
  const steps: string[] = [];
  const publicApps = Object.keys(services).filter((n) => isPublicWeb(services[n] as CapService));
  if (publicApps.length > 0) {
    steps.push(
      `Open ${publicApps.map((n) => `**${n}**`).join(', ')} > HTTP Settings: Enable HTTPS, then Force HTTPS.`,
    );
  }
  for (const w of ctx.app.workloads) {
    if (w.replicas > 1 && w.role !== 'release') {
      steps.push(
        `Scale: **${serviceName(ctx.app, w.name)}** > App Configs > Instance Count: ${w.replicas} (templates cannot set it).`,
      );
    }
  }
  for (const [name, override] of [...ctx.overrides.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const yaml = overrideYaml(override);
    if (!yaml) continue;
    steps.push(
      `**${name}** > App Configs > Service Update Override (templates cannot set it), then Save & Update:\n\n\`\`\`yaml\n${yaml}\n\`\`\``,
    );
  }
  const ports = Object.entries(services).flatMap(([name, s]) =>
    ((s.ports as string[] | undefined) ?? []).map((p) => `${p.split(':')[0]} (${name})`),
  );
  if (ports.length > 0) {
    steps.push(
      `Ports ${ports.join(', ')} are published on every node, for TCP and UDP alike; open them in the firewall.`,
    );
  }
  if (web?.websocket) {
    steps.push(
      "WebSockets: CapRover's nginx closes connections idle for 60 s; clients should ping more often.",
    );
  }
  steps.push(...ctx.steps);
  if (ctx.vars.list().some((v) => v.defaultValue?.includes('$$cap_gen_random_hex'))) {
    steps.push('Generated secrets are in each app > App Configs > Environment Variables.');
  }
  const image = web?.image ?? ctx.app.workloads.find((w) => w.image)?.image;
  if (image) {
    const built = builtApps(services);
    steps.push(
      `Upgrade: each ${ctx.app.displayName} app > Deployment > Deploy via ImageName \`${image.repository}:<new version>\`${
        built.length > 0
          ? `; ${built.join(', ')} > Deployment > Deploy plain Dockerfile: the same two lines with the new tag`
          : ''
      }.`,
    );
  }
  if (ctx.variant === 'cluster') {
    const stateful = Object.entries(services)
      .filter(([, s]) => ((s.volumes as string[] | undefined) ?? []).length > 0)
      .map(([n]) => `\`${n}\``);
    if (stateful.length > 0) {
      steps.push(
        `Apps with volumes (${stateful.join(', ')}) are pinned to the node they first run on (App Configs > Node ID); keep them at one instance. To choose the node, set its Node ID before adding data.`,
      );
    }
    steps.push('Open the Swarm ports between nodes: 2377/tcp, 7946/tcp+udp, 4789/udp.');
  }
  const lines = [
    web
      ? `${ctx.app.displayName} is deploying. It will answer at https://${appNameVar}.$$cap_root_domain`
      : `${ctx.app.displayName} is deploying.`,
    '',
    ...steps.map((s, i) => `${i + 1}. ${indentItem(s)}`),
  ];
  if (ctx.app.notes.length > 0) lines.push('', ...ctx.app.notes.flatMap((n) => [n, '']));
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Continuation lines of a list item, indented under it (blank lines stay empty: no trailing spaces). */
function indentItem(text: string): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 || line === '' ? line : `   ${line}`))
    .join('\n');
}
