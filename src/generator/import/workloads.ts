// One compose service as a spec workload (or the container part of a generic `service` resource): ports with
// the first published one as the HTTP port, the healthcheck as a liveness probe (an HTTP probe when it is a
// plain curl/wget of localhost), entrypoint and command, mounts of named volumes and bind-mounted folders.
import type { PortSpec, ProbeSpec, WorkloadSpec } from '../spec/types-v2.js';
import { interpolated, mapEnvValue, type ValueContext } from './env-map.js';
import type { Findings } from './findings.js';
import { escapeText, withDefaults } from './interpolate.js';
import type { ComposeHealthcheck, ComposeService } from './parse.js';
import { idOf } from './resources.js';

/** Named volume or bind-mounted folder -> id of the volume resource it becomes. */
export type VolumeIds = Map<string, string>;

const programs =
  /^(\/|\.\/|(sh|bash|ash|dash|node|npm|npx|yarn|pnpm|bun|deno|python3?|bundle|ruby|rails|php|java|dotnet|gunicorn|uvicorn|celery|exec|tini|dumb-init)$)/;

export function ports(s: ComposeService, role: string): Record<string, number | PortSpec> {
  const out: Record<string, number | PortSpec> = {};
  let http = role === 'web';
  for (const p of s.ports) {
    const key = (base: string) => (out[base] === undefined ? base : `${base}-${p.protocol}`);
    if (http && !p.local && p.protocol === 'tcp') {
      out.http =
        p.published && p.published !== p.target ? { port: p.target, published: p.published } : p.target;
      http = false;
    } else if (!p.local && role === 'web') {
      out[key(`port-${p.target}`)] = {
        port: p.target,
        ...(p.protocol === 'udp' ? { protocol: 'udp' as const } : {}),
        public: true,
        ...(p.published && p.published !== p.target ? { published: p.published } : {}),
      };
    } else {
      out[key(`port-${p.target}`)] = p.protocol === 'udp' ? { port: p.target, protocol: 'udp' } : p.target;
    }
  }
  return out;
}

export function commands(
  s: ComposeService,
  at: string,
  ctx: ValueContext,
): Pick<WorkloadSpec, 'command' | 'args'> {
  const words = (w: string[]) => w.map((x) => interpolated(x, ctx));
  if (s.entrypoint && s.entrypoint.length > 0) {
    return { command: words(s.entrypoint), ...(s.command ? { args: words(s.command) } : {}) };
  }
  if (!s.command || s.command.length === 0) return {};
  if (programs.test(withDefaults(s.command[0] as string))) {
    ctx.findings.change(
      `${at}.command`,
      'names its program, so it becomes command (replacing the image ENTRYPOINT), which every target can run',
    );
    return { command: words(s.command) };
  }
  ctx.findings.change(
    `${at}.command`,
    "becomes args after the image's ENTRYPOINT; Railway needs that ENTRYPOINT written into command",
  );
  return { args: words(s.command) };
}

export function environment(s: ComposeService, at: string, ctx: ValueContext): WorkloadSpec['env'] {
  const env: NonNullable<WorkloadSpec['env']> = {};
  for (const [name, raw] of s.environment) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(name)) {
      ctx.findings.skip(`${at}.environment.${name}`, 'a spec env name is upper case (A-Z, 0-9, _)');
      continue;
    }
    env[name] = mapEnvValue(name, raw, `${at}.environment.${name}`, ctx);
  }
  for (const file of s.envFiles) {
    ctx.findings.skip(`${at}.env_file`, `${file} is not read: add the variables the app needs to env`);
  }
  return Object.keys(env).length > 0 ? env : undefined;
}

export function mounts(
  s: ComposeService,
  at: string,
  volumeIds: VolumeIds,
  findings: Findings,
): WorkloadSpec['volumes'] {
  const out: NonNullable<WorkloadSpec['volumes']> = {};
  for (const v of s.volumes) {
    const where = `${at}.volumes.${v.target}`;
    if (!/^\/[^\s'"]*$/.test(v.target)) {
      findings.skip(where, 'the mount path is not absolute');
    } else if (v.kind === 'tmpfs' || !v.source) {
      findings.skip(where, 'an anonymous or tmpfs volume keeps nothing; the spec mounts named volumes');
    } else if (v.kind === 'bind' && (v.source.startsWith('/') || /\.[A-Za-z0-9]+$/.test(v.source))) {
      findings.skip(
        where,
        `${v.source} is a host file or host path; a spec mounts volumes and file content (files.<path>)`,
      );
    } else {
      const key = v.kind === 'bind' ? `bind:${v.source}` : v.source;
      let id = volumeIds.get(key);
      if (!id) {
        id = idOf(v.kind === 'bind' ? (v.source.split('/').filter(Boolean).at(-1) ?? 'data') : v.source);
        volumeIds.set(key, id);
        if (v.kind === 'bind') {
          findings.change(where, `the host folder ${v.source} becomes volume ${id}: copy its files into it`);
        }
      }
      out[v.target] = { volume: id, ...(v.readOnly ? { readOnly: true } : {}) };
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

const httpCheck =
  /^(curl|wget)\s(?:.*\s)?(https?):\/\/(?:localhost|127\.0\.0\.1|0\.0\.0\.0)(?::(\d+))?(\/[^\s'"]*)?['"]?(?:\s+-\S+)*(?:\s*\|\|\s*(?:exit\s+1|false))?\s*$/;

export function probe(
  h: ComposeHealthcheck,
  portMap: Record<string, number | PortSpec>,
  ctx: ValueContext,
): ProbeSpec | undefined {
  if (!h.test || h.test.length < 2) return undefined;
  const [kind, ...rest] = h.test;
  const shell = kind === 'CMD-SHELL' ? (rest.join(' ') as string) : undefined;
  const m = shell !== undefined ? httpCheck.exec(withDefaults(shell).trim()) : undefined;
  const timing: ProbeSpec = {
    interval: Math.min(3600, h.interval ?? 30),
    timeout: Math.min(600, h.timeout ?? 30),
    retries: Math.max(1, Math.min(100, h.retries ?? 3)),
    ...(h.startPeriod ? { startPeriod: Math.min(3600, h.startPeriod) } : {}),
  };
  if (m) {
    const number = m[3] ? Number(m[3]) : undefined;
    const named = Object.entries(portMap).find(
      ([, p]) => (typeof p === 'number' ? p : p.port) === number,
    )?.[0];
    const port =
      number === undefined
        ? portMap.http
          ? undefined
          : 80
        : named === 'http'
          ? undefined
          : (named ?? number);
    return {
      http: {
        path: escapeText(m[4] ?? '/'),
        ...(port !== undefined ? { port } : {}),
        ...(m[2] === 'https' ? { scheme: 'https' as const } : {}),
        tool: m[1] as 'curl' | 'wget',
      },
      ...timing,
    };
  }
  const command =
    shell !== undefined ? ['sh', '-c', interpolated(shell, ctx)] : rest.map((w) => interpolated(w, ctx));
  return { exec: { command }, ...timing };
}
