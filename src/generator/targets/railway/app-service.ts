// A workload or a generic service resource as a Railway `service()`: source, start command (quoted so
// Railway's word splitting gives back the exact argv; wrapped in `sh -c` when it reads variables), health
// check, replicas, TCP proxies, its one volume, env with owned secret and input variables.
import type { GeneratedSecret, Input } from '../../model/app.js';
import type { Value } from '../../model/value.js';
import type { Port, Probe, VolumeMount } from '../../model/workload.js';
import { alphabets, q, type RailCtx, renderRailway, tsValue } from './app-values.js';
import { quoteCommand } from './shell.js';

export interface ServiceSpec {
  owner: string;
  name: string;
  source: string;
  command?: Value[];
  args?: Value[];
  env: { name: string; value: Value }[];
  ports: Port[];
  volumes: VolumeMount[];
  probe?: Probe;
  replicas: number;
  drainingSeconds?: number;
  preDeploy?: string;
  build?: { context: string; dockerfile: string };
}

/** Railway runs a start command as words (exec form): quote them; variables need a shell to expand. */
export function startCommand(
  owner: string,
  spec: { command?: Value[]; args?: Value[] },
  ctx: RailCtx,
  env: [string, string][],
): string | undefined {
  if (!spec.command && !spec.args) return undefined;
  if (!spec.command) {
    ctx.report.fail(
      `${owner}.args`,
      "Railway's start and pre-deploy commands replace the image's ENTRYPOINT, so args alone would run without it",
      'add command: the entrypoint (or the program) the args belong to',
    );
    return undefined;
  }
  const argv = [...spec.command, ...(spec.args ?? [])].map((v) =>
    renderRailway(v as Value, ctx, `${owner}.command`),
  );
  if (!argv.some((a) => a.includes('${{'))) return quoteCommand(argv);
  // References are not expanded in a start command: pass each through a variable and a shell.
  ctx.report.warn(
    `${owner}.command`,
    'the command reads variables, so it runs through /bin/sh (the image needs one)',
  );
  const words = argv.map((a, i) => {
    if (!a.includes('${{')) return quoteCommand([a]);
    const name = `START_ARG_${i}`;
    env.push([name, tsValue(a, ctx)]);
    return `"$${name}"`;
  });
  return quoteCommand(['/bin/sh', '-c', `exec ${words.join(' ')}`]);
}

export function secretConfig(s: GeneratedSecret): string {
  if (s.format === 'uuid') {
    const hex = (n: number) => `\${{secret(${n}, "${alphabets.hex}")}}`;
    return `{ value: ${q(`${hex(8)}-${hex(4)}-4${hex(3)}-\${{secret(1, "89ab")}}${hex(3)}-${hex(12)}`)} }`;
  }
  return `{ generator: ${q(`secret(${s.length}, "${alphabets[s.format]}")`)} }`;
}

export function inputConfig(i: Input): string {
  const description = [i.label, i.description].filter(Boolean).join(': ');
  return `{ description: ${q(description)}, ${i.default !== undefined ? `value: ${q(i.default)}, ` : ''}isOptional: ${!i.required}, preserveExisting: true }`;
}

/** The `service(...)` expression. */
export function serviceDecl(spec: ServiceSpec, ctx: RailCtx, volumeId?: string): string {
  ctx.current = spec.name;
  const env: [string, string][] = [];
  for (const e of spec.env) {
    const key = [...ctx.owned.entries()].find(([, o]) => o.holder === spec.name && o.name === e.name)?.[0];
    const owned = key && e.value.length === 1 ? ownedConfig(key, ctx) : undefined;
    env.push([e.name, owned ?? tsValue(renderRailway(e.value, ctx, `${spec.owner}.env.${e.name}`), ctx)]);
  }
  for (const [key, o] of ctx.owned.entries()) {
    if (o.holder === spec.name && !env.some(([k]) => k === o.name))
      env.push([o.name, ownedConfig(key, ctx) as string]);
  }
  const start = startCommand(spec.owner, spec, ctx, env);
  const http = spec.ports.find((p) => p.http);
  if (http && !spec.env.some((e) => e.name === 'PORT')) env.push(['PORT', q(String(http.port))]);
  const tcp = spec.ports.filter((p) => p.public && !p.http && p.protocol === 'tcp').map((p) => p.port);
  const health = spec.probe?.check.kind === 'http' ? spec.probe : undefined;
  const lines = [
    `service(${q(spec.name)}, {`,
    `    source: ${spec.source},`,
    ...(spec.build
      ? [`    build: { builder: "DOCKERFILE", dockerfilePath: ${q(spec.build.dockerfile)} },`]
      : []),
    ...(spec.build && spec.build.context !== '.'
      ? [`    root: ${q(spec.build.context.replace(/^\.\//, '/'))},`]
      : []),
    ...(start ? [`    start: ${q(start)},`] : []),
    ...(spec.preDeploy ? [`    preDeploy: ${q(spec.preDeploy)},`] : []),
    ...(health && health.check.kind === 'http'
      ? [
          `    healthcheck: ${q(health.check.path)},`,
          `    healthcheckTimeout: ${Math.max(120, health.startPeriod + (health.interval + health.timeout) * health.retries)},`,
        ]
      : []),
    `    replicas: ${spec.replicas},`,
    ...(tcp.length > 0 ? [`    tcp: [${tcp.join(', ')}],`] : []),
    '    deploy: {',
    ...(spec.drainingSeconds !== undefined ? [`      drainingSeconds: ${spec.drainingSeconds},`] : []),
    '      restartPolicyMaxRetries: 10,',
    '      restartPolicyType: "ON_FAILURE",',
    '    },',
    ...(volumeId && spec.volumes[0]
      ? [`    volumeMounts: { ${q(spec.volumes[0].path)}: ${volumeId} },`]
      : []),
    '    env: {',
    ...env.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `      ${k}: ${v},`),
    '    },',
    '  })',
  ];
  return lines.join('\n');
}

function ownedConfig(key: string, ctx: RailCtx): string | undefined {
  const [kind, id] = key.split(':') as [string, string];
  if (kind === 'secret') {
    const s = ctx.app.secrets.find((x) => x.id === id);
    return s ? secretConfig(s) : undefined;
  }
  const i = ctx.app.inputs.find((x) => x.id === id);
  return i ? inputConfig(i) : undefined;
}
