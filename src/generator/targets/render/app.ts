// Render for a v2 app: render.yaml, the Blueprint at the repository root. Workloads become web, private (pserv)
// and worker services; PostgreSQL a managed database, Redis a Key Value instance, RabbitMQ and other images
// private services with a disk; settings every workload shares an environment group. Render runs no S3: a
// bucket's settings are asked for at Blueprint creation (`sync: false`). The release step is the web
// service's preDeployCommand.
import type { App } from '../../model/app.js';
import { bundled, type Resource } from '../../model/resource.js';
import { literalOf } from '../../model/value.js';
import { imageString, type Workload } from '../../model/workload.js';
import { generatedNotice, renderYaml } from '../../render/text.js';
import { createReport } from '../shared/report.js';
import type { EmitResult } from '../target.js';
import { commandLine, type RenderService, serviceType, source, workloadService } from './service.js';
import { type EnvVar, envVar, type RenderCtx } from './values.js';

function mainWeb(app: App): Workload | undefined {
  const webs = app.workloads.filter((w) => w.role !== 'release' && serviceType(w) === 'web');
  return webs.find((w) => w.name === 'web') ?? webs[0];
}

/** Literal settings every running workload has alike: one environment group instead of copies. */
function sharedSettings(runners: Workload[]): [string, string][] {
  if (runners.length < 2) return [];
  const [first, ...rest] = runners as [Workload, ...Workload[]];
  return first.env.flatMap((e) => {
    const literal = literalOf(e.value);
    if (literal === undefined) return [];
    const same = rest.every((w) => {
      const other = w.env.find((x) => x.name === e.name);
      return other !== undefined && literalOf(other.value) === literal;
    });
    return same ? [[e.name, literal] as [string, string]] : [];
  });
}

/** The release step as the web service's preDeployCommand: same image and env, no volumes or files. */
function preDeploy(release: Workload, web: Workload | undefined, ctx: RenderCtx): string | undefined {
  const owner = `workloads.${release.name}`;
  const problems = [
    !web && 'the app has no web service',
    web &&
      !(
        release.imageOf === web.name ||
        JSON.stringify(release.image ?? release.build) === JSON.stringify(web.image ?? web.build)
      ) &&
      'it does not use the web image',
    web &&
      release.env.some(
        (e) => JSON.stringify(web.env.find((x) => x.name === e.name)?.value) !== JSON.stringify(e.value),
      ) &&
      'its env differs from the web env it runs with',
    (release.volumes.length > 0 || release.files.length > 0) && 'a pre-deploy command has no disk or files',
    !release.command && !release.args && 'it has no command',
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length > 0) {
    ctx.report.lose(
      'release',
      owner,
      `Render runs a release step as the web service's preDeployCommand, but ${problems.join('; ')}`,
    );
    return undefined;
  }
  return commandLine([...(release.command ?? []), ...(release.args ?? [])], owner, ctx);
}

function resourceService(r: Resource, ctx: RenderCtx): RenderService | undefined {
  const name = ctx.names.get(r.id) as string;
  const owner = `resources.${r.id}`;
  if (r.type === 'redis') {
    const policy = r.config.find(([k]) => k === 'maxmemory-policy')?.[1];
    const other = r.config.filter(([k]) => k !== 'maxmemory-policy').map(([k]) => k);
    if (other.length > 0)
      ctx.report.warn(
        `${owner}.config`,
        `Render Key Value sets only maxmemory-policy; ${other.join(', ')} not set`,
      );
    if (r.configVia === 'env')
      ctx.report.warn(
        `${owner}.image`,
        `Render Key Value is Valkey/Redis without modules; ${imageString(r.image)} is not used`,
      );
    return {
      type: 'keyvalue',
      name,
      plan: 'starter',
      ipAllowList: [],
      ...(policy ? { maxmemoryPolicy: policy } : {}),
    };
  }
  if (r.type === 'amqp') {
    return {
      type: 'pserv',
      name,
      ...source(r.image, undefined),
      plan: 'starter',
      numInstances: 1,
      disk: { name: `${r.id}-data`, mountPath: '/var/lib/rabbitmq', sizeGB: 1 },
      envVars: [
        { key: 'RABBITMQ_DEFAULT_PASS', generateValue: true },
        { key: 'RABBITMQ_DEFAULT_USER', value: r.username },
        { key: 'RABBITMQ_DEFAULT_VHOST', value: r.vhost },
      ],
    };
  }
  if (r.type === 'service') {
    if (r.volumes.length > 1)
      ctx.report.lose(
        'volume',
        `${owner}.volumes`,
        `a Render service has one disk; ${r.id} mounts ${r.volumes.length}`,
      );
    if (r.ports.some((p) => p.public))
      ctx.report.lose('port', `${owner}.ports`, 'a private Render service is not reachable from outside');
    const argv = [...(r.command ?? []), ...(r.args ?? [])];
    const command = argv.length > 0 ? commandLine(argv, owner, ctx) : undefined;
    const env = r.env
      .map((e) => envVar(e.name, e.value, name, ctx, owner))
      .filter((e): e is EnvVar => e !== undefined);
    const disk = r.volumes[0];
    return {
      type: 'pserv',
      name,
      ...source(r.image, undefined),
      plan: 'starter',
      ...(command ? { dockerCommand: command } : {}),
      numInstances: 1,
      ...(disk ? { disk: { name: disk.volume, mountPath: disk.path, sizeGB: 1 } } : {}),
      ...(env.length > 0 ? { envVars: env } : {}),
    };
  }
  if (r.type === 's3') {
    ctx.report.warn(
      owner,
      'Render runs no MinIO or S3: the Blueprint asks for the settings of a bucket you provide (S3, R2, B2) when it is created',
    );
  }
  return undefined;
}

export function emitRenderApp(app: App): EmitResult {
  const report = createReport(app, 'render');
  const web = mainWeb(app);
  const runners = app.workloads.filter((w) => w.role !== 'release');
  const names = new Map<string, string>();
  const ctx: RenderCtx = { app, report, names, types: new Map(), holders: new Map() };
  for (const w of runners) {
    names.set(w.name, w === web ? app.name : `${app.name}-${w.name}`);
    ctx.types.set(names.get(w.name) as string, serviceType(w));
  }
  for (const r of app.resources) {
    names.set(r.id, `${app.name}-${r.id}`);
    ctx.types.set(`${app.name}-${r.id}`, r.type === 'redis' ? 'keyvalue' : 'pserv');
  }
  const mounts = new Map<string, string[]>();
  for (const w of runners)
    for (const v of w.volumes.slice(0, 1)) mounts.set(v.volume, [...(mounts.get(v.volume) ?? []), w.name]);
  for (const [volume, users] of mounts) {
    if (users.length > 1)
      report.lose(
        'volume',
        `resources.${volume}`,
        `a Render disk belongs to one service; ${users.join(' and ')} mount it`,
      );
  }
  const shared = sharedSettings(runners);
  const group = shared.length > 0 ? `${app.name}-settings` : undefined;
  const release = app.workloads.find((w) => w.role === 'release');
  const releaseCommand = release ? preDeploy(release, web, ctx) : undefined;
  const services: RenderService[] = runners.map((w) =>
    workloadService(w, ctx, {
      shared: new Set(shared.map(([k]) => k)),
      ...(group ? { group } : {}),
      ...(w === web && releaseCommand ? { preDeploy: releaseCommand } : {}),
    }),
  );
  const databases: Record<string, unknown>[] = [];
  for (const r of bundled(app.resources)) {
    if (r.type === 'postgres') {
      const major = Number.parseInt(r.image.tag, 10);
      databases.push({
        name: names.get(r.id),
        databaseName: r.database,
        user: r.username,
        plan: 'basic-256mb',
        ...(Number.isFinite(major) ? { postgresMajorVersion: String(major) } : {}),
        ipAllowList: [],
      });
      continue;
    }
    const s = resourceService(r, ctx);
    if (s) services.push(s);
  }
  const generated = [...ctx.holders.keys()].filter((k) => k.startsWith('secret:'));
  for (const key of generated) {
    const s = app.secrets.find((x) => `secret:${x.id}` === key);
    if (s && !(s.format === 'base64' && s.length === 44)) {
      report.warn(
        `secrets.${s.id}`,
        `Render generates a base64 value of 44 characters (256 bits), not a ${s.format} value of ${s.length}`,
      );
    }
  }
  for (const key of [...ctx.holders.keys()].filter((k) => k.startsWith('app:'))) {
    const holder = ctx.holders.get(key);
    report.warn(
      `app.${key.slice(4)}`,
      `Render names the web service's address when it creates it: enter it (https://${names.get(web?.name ?? '') ?? app.name}.onrender.com or your domain) when the Blueprint asks for ${holder?.key}`,
    );
  }
  const doc = {
    ...(group
      ? { envVarGroups: [{ name: group, envVars: shared.map(([key, value]) => ({ key, value })) }] }
      : {}),
    services,
    ...(databases.length > 0 ? { databases } : {}),
  };
  const header = [
    generatedNotice(app.specPath),
    'Render Blueprint: Dashboard > New > Blueprint, pick this repository (render.yaml at its root).',
    ...(app.notes.length > 0
      ? [
          '',
          'After installing:',
          ...app.notes.flatMap((n, i) => [...(i > 0 ? [''] : []), ...n.split('\n').map((l) => l.trimEnd())]),
        ]
      : []),
  ];
  return report.result([{ path: 'render.yaml', content: renderYaml(doc, { header }) }]);
}
