// Railway for a v2 app: .railway/railway.ts (Infrastructure as Code) with every workload and resource,
// railway.json for the repository-built web service, and .railway/INSTALL.md. The release step is the web
// service's pre-deploy command; what Railway cannot carry (UDP, several volumes per service, files) is an
// error unless the spec accepts the loss.
import type { App } from '../../model/app.js';
import { bundled } from '../../model/resource.js';
import { imageString, type Workload } from '../../model/workload.js';
import { generatedNotice, renderJson } from '../../render/text.js';
import { provisionerFor } from '../shared/provisioner.js';
import { createReport } from '../shared/report.js';
import type { EmitResult, GeneratedFile } from '../target.js';
import { railProvisioners } from './app-resources.js';
import { type ServiceSpec, serviceDecl, startCommand } from './app-service.js';
import { mainWebName, ownedKeys, q, type RailCtx, type RailNode, tsId } from './app-values.js';

const sameImage = (a: Workload, b: Workload) =>
  a.imageOf === b.name || JSON.stringify(a.image ?? a.build) === JSON.stringify(b.image ?? b.build);

function source(
  app: App,
  w: { image?: Workload['image']; build?: Workload['build'] },
  ctx: RailCtx,
  owner: string,
): string {
  // A workload that only builds comes from the repository even when the spec prefers images.
  if (app.repository && w.build && (app.railway.source === 'github' || !w.image))
    return `github(${q(app.repository)})`;
  if (w.image) return `image(${q(imageString(w.image))})`;
  ctx.report.fail(
    owner,
    'the workload only builds from the repository',
    'set repository and targets.railway.source: github, or name an image',
  );
  return 'image("")';
}

export function emitRailwayApp(app: App): EmitResult {
  const report = createReport(app, 'railway');
  const taken = new Set<string>();
  const ctx: RailCtx = {
    app,
    report,
    provisioners: railProvisioners,
    owned: new Map(),
    current: '',
    ids: new Map(),
  };
  const holders = [
    ...app.workloads.filter((w) => w.role !== 'release').map((w) => ({ name: w.name, env: w.env })),
    ...bundled(app.resources).flatMap((r) => (r.type === 'service' ? [{ name: r.id, env: r.env }] : [])),
  ];
  for (const h of holders) {
    for (const e of h.env) {
      for (const key of ownedKeys(e.value)) {
        if (ctx.owned.has(key)) continue;
        const whole = e.value.length === 1;
        const id = key.split(':')[1] as string;
        const name = whole ? e.name : h.env.some((x) => x.name === id) ? `${id}_VALUE` : id;
        ctx.owned.set(key, { holder: h.name, name });
      }
    }
  }
  for (const name of [
    ...app.workloads.filter((w) => w.role !== 'release').map((w) => w.name),
    ...app.resources.map((r) => r.id),
  ]) {
    ctx.ids.set(name, tsId(name, taken));
  }
  for (const r of bundled(app.resources)) {
    if (['redis', 'amqp', 'service'].includes(r.type))
      ctx.ids.set(`${r.id}-data`, tsId(`${r.id}-data`, taken));
  }
  for (const i of app.inputs.filter((x) => x.pattern))
    report.warn(
      `inputs.${i.id}.pattern`,
      'Railway does not check values against a pattern; INSTALL.md states it',
    );
  const nodes: RailNode[] = [];
  for (const r of bundled(app.resources))
    nodes.push(...provisionerFor(railProvisioners, r).provision(r, ctx));

  const web = mainWebName(app);
  const release = app.workloads.find((w) => w.role === 'release');
  const webWorkload = app.workloads.find((w) => w.name === web);
  const preDeploy = release && webWorkload ? releaseCommand(release, webWorkload, ctx) : undefined;
  if (release && !webWorkload)
    report.lose(
      'release',
      `workloads.${release.name}`,
      'Railway runs a release step as the pre-deploy command of a web service; the app has none',
    );

  const mounts = new Map<string, string[]>();
  const specs: ServiceSpec[] = [];
  for (const w of app.workloads.filter((x) => x.role !== 'release')) {
    const owner = `workloads.${w.name}`;
    checkLosses(owner, w, ctx);
    specs.push({
      owner,
      name: w.name,
      source: source(app, w, ctx, owner),
      ...(w.command ? { command: w.command } : {}),
      ...(w.args ? { args: w.args } : {}),
      env: w.env,
      ports: w.ports,
      volumes: w.volumes,
      ...(healthProbe(w) ? { probe: healthProbe(w) } : {}),
      replicas: w.replicas,
      drainingSeconds: w.stopGracePeriod,
      ...(w.name === web && preDeploy ? { preDeploy } : {}),
      ...(w.build && app.repository && (app.railway.source === 'github' || !w.image)
        ? { build: w.build }
        : {}),
    });
  }
  for (const r of bundled(app.resources)) {
    if (r.type !== 'service') continue;
    specs.push({
      owner: `resources.${r.id}`,
      name: r.id,
      source: `image(${q(imageString(r.image))})`,
      ...(r.command ? { command: r.command } : {}),
      ...(r.args ? { args: r.args } : {}),
      env: r.env,
      ports: r.ports,
      volumes: r.volumes,
      ...(r.liveness ? { probe: r.liveness } : {}),
      replicas: 1,
    });
  }
  for (const s of specs) {
    if (s.volumes.length > 1) {
      report.lose(
        'volume',
        `${s.owner}.volumes`,
        `Railway allows one volume per service; ${s.name} mounts ${s.volumes.length}`,
        'keep one volume (or move data to a resource)',
      );
    }
    for (const v of s.volumes.slice(0, 1)) mounts.set(v.volume, [...(mounts.get(v.volume) ?? []), s.name]);
    if (s.ports.some((p) => p.public && p.protocol === 'udp')) {
      report.lose(
        'port',
        `${s.owner}.ports`,
        'Railway proxies public TCP only; a public UDP port cannot be reached',
      );
    }
    nodes.push({
      name: s.name,
      id: ctx.ids.get(s.name) as string,
      decl: serviceDecl(s, ctx, s.volumes[0] ? ctx.ids.get(s.volumes[0].volume) : undefined),
    });
  }
  for (const [volume, users] of mounts) {
    if (users.length > 1)
      report.lose(
        'volume',
        `resources.${volume}`,
        `a Railway volume attaches to one service; ${users.join(' and ')} mount it`,
      );
  }
  const files: GeneratedFile[] = [{ path: '.railway/railway.ts', content: railwayTs(app, nodes) }];
  if (webWorkload?.build) files.push(railwayJson(webWorkload, preDeploy, ctx));
  files.push({ path: '.railway/INSTALL.md', content: install(app, web) });
  return report.result(files);
}

function healthProbe(w: Workload) {
  const probe = [w.readiness, w.liveness].find((p) => p?.check.kind === 'http');
  return probe;
}

/** Losses of one workload on Railway. */
function checkLosses(owner: string, w: Workload, ctx: RailCtx): void {
  if (w.files.length > 0) {
    ctx.report.lose(
      'file',
      `${owner}.files`,
      'Railway mounts no file content',
      'read the settings from env or bake the files into the image',
    );
  }
  const probes = [w.liveness, w.readiness].filter((p) => p !== undefined);
  const http = healthProbe(w);
  if (probes.length > 0 && !http)
    ctx.report.warn(
      `${owner}.probes`,
      'Railway checks health over HTTP only, once per deploy; the probe is not used',
    );
  if (http && http.check.kind === 'http' && http.check.port !== w.ports.find((p) => p.http)?.port) {
    ctx.report.warn(
      `${owner}.probes`,
      `Railway checks health on the service's PORT, not on port ${http.check.port}`,
    );
  }
  if (w.limits)
    ctx.report.warn(
      `${owner}.limits`,
      'Railway sets resource limits per plan in the dashboard; they are not set',
    );
  if (w.requests)
    ctx.report.warn(
      `${owner}.requests`,
      'Railway cannot reserve resources for a service; the requests are not set',
    );
  if (w.sessionAffinity)
    ctx.report.warn(
      `${owner}.sessionAffinity`,
      'Railway has no sticky sessions: requests spread over replicas at random',
    );
  if (
    w.dependsOn.some(
      (d) =>
        d.condition !== 'started' &&
        !(
          'workload' in d.on &&
          ctx.app.workloads.find((x) => x.name === (d.on as { workload: string }).workload)?.role ===
            'release'
        ),
    )
  ) {
    ctx.report.warn(
      `${owner}.dependsOn`,
      'Railway starts services independently; it does not wait for health',
    );
  }
  for (const v of w.volumes.filter((m) => m.readOnly))
    ctx.report.warn(`${owner}.volumes.${v.path}`, 'Railway mounts volumes read-write');
}

/** The release step as the web service's pre-deploy command: same image, same env, no volumes or files. */
function releaseCommand(release: Workload, web: Workload, ctx: RailCtx): string | undefined {
  const owner = `workloads.${release.name}`;
  const problems = [
    !sameImage(release, web) && 'it does not use the web image',
    release.env.some(
      (e) => JSON.stringify(web.env.find((x) => x.name === e.name)?.value) !== JSON.stringify(e.value),
    ) && 'its env differs from the web env it runs with',
    (release.volumes.length > 0 || release.files.length > 0) &&
      'a pre-deploy command has no volumes or files',
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length > 0) {
    ctx.report.lose(
      'release',
      owner,
      `Railway runs the release step as the web service's pre-deploy command, but ${problems.join('; ')}`,
    );
    return undefined;
  }
  ctx.current = web.name;
  return startCommand(owner, release, ctx, []);
}

function railwayTs(app: App, nodes: RailNode[]): string {
  const calls = [
    'defineRailway',
    'project',
    ...['service', 'image', 'github', 'database', 'redis', 'bucket', 'volume', 'ref'].filter((f) =>
      nodes.some((n) => new RegExp(`\\b${f}\\(`).test(n.decl)),
    ),
  ];
  const out = [
    `// ${generatedNotice(app.specPath)}`,
    '// Preview with `railway config plan`, apply with `railway config apply` (needs the `railway` npm package).',
    `import { ${[...new Set(calls)].sort().join(', ')} } from "railway/iac";`,
    '',
    'export default defineRailway(() => {',
    ...nodes.map((n) => `  const ${n.id} = ${n.decl};`),
    `  return project(${q(app.name)}, { resources: [${nodes.map((n) => n.id).join(', ')}] });`,
    '});',
  ];
  return `${out.join('\n')}\n`;
}

function railwayJson(web: Workload, preDeploy: string | undefined, ctx: RailCtx): GeneratedFile {
  const build = web.build as { context: string; dockerfile: string };
  const dir = build.context === '.' ? '' : `${build.context.replace(/^\.\//, '')}/`;
  ctx.current = web.name;
  const env: [string, string][] = [];
  const start = startCommand(`workloads.${web.name}`, web, ctx, env);
  // railway.json sets no variables, so a command that reads some through a shell is left to railway.ts.
  const usable = env.length === 0 ? start : undefined;
  const probe = healthProbe(web);
  const config = {
    $schema: 'https://railway.com/railway.schema.json',
    build: { builder: 'DOCKERFILE', dockerfilePath: build.dockerfile },
    deploy: {
      ...(usable ? { startCommand: usable } : {}),
      ...(preDeploy ? { preDeployCommand: [preDeploy] } : {}),
      ...(probe?.check.kind === 'http' ? { healthcheckPath: probe.check.path, healthcheckTimeout: 120 } : {}),
      numReplicas: web.replicas,
      restartPolicyType: 'ON_FAILURE',
      restartPolicyMaxRetries: 10,
      drainingSeconds: web.stopGracePeriod,
    },
  };
  return { path: `${dir}railway.json`, content: renderJson(config) };
}

function install(app: App, web: string | undefined): string {
  const steps = [
    '`npm install --save-dev railway`, then `railway config plan` and `railway config apply` (Railway CLI 5.42.1 or newer).',
    ...(web
      ? [
          `Service **${web}** > Settings > Networking > Generate Domain: its public URL (\`RAILWAY_PUBLIC_DOMAIN\`).`,
        ]
      : []),
    ...app.inputs.map(
      (i) =>
        `Set \`${i.id}\` (${i.label}) on the service that defines it${i.required && i.default === undefined ? '; required' : ''}${i.pattern ? `; must match \`/${i.pattern}/\`` : ''}.`,
    ),
  ];
  const lines = [
    `# ${app.displayName} on Railway`,
    '',
    `<!-- ${generatedNotice(app.specPath)} -->`,
    '',
    ...steps.map((s, i) => `${i + 1}. ${s}`),
  ];
  if (app.notes.length > 0) lines.push('', '## After installing', '', app.notes.join('\n\n'));
  return `${lines.join('\n')}\n`;
}
