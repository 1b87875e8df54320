// Replays a Dockerfile on the host, since no Docker engine runs here: each stage gets a directory, COPY
// takes from the build context filtered by .dockerignore (or from an earlier stage), RUN runs in the
// stage's WORKDIR, ENV accumulates. OS package installs and user setup cannot run on the host and are
// reported as skipped, so a test can check that nothing else was skipped.
import { execSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface Instruction {
  op: string;
  args: string;
}

export function parseDockerfile(text: string): Instruction[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  return joined
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const m = /^(\S+)\s+(.*)$/.exec(l)!;
      return { op: m[1]!.toUpperCase(), args: m[2]!.trim() };
    });
}

/** `COPY tsconfig*.json ./`: a `*` in the last segment of a source matches names in its folder. */
function expandGlob(base: string, src: string): string[] {
  const slash = src.lastIndexOf('/');
  const dir = slash < 0 ? '' : src.slice(0, slash);
  const name = src.slice(slash + 1);
  if (!name.includes('*')) return [src];
  const pattern = new RegExp(
    `^${name
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return readdirSync(join(base, dir))
    .filter((n) => pattern.test(n))
    .map((n) => (dir ? `${dir}/${n}` : n));
}

export function dockerignoreFilter(context: string): (rel: string) => boolean {
  const file = join(context, '.dockerignore');
  const rules = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
    : [];
  const toRegex = (p: string) =>
    new RegExp(
      `^${p
        .replace(/^\//, '')
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*\*/g, '\0')
        .replace(/\*/g, '[^/]*')
        .replace(/\0/g, '.*')}(/.*)?$`,
    );
  const compiled = rules.map((r) => ({ negate: r.startsWith('!'), re: toRegex(r.replace(/^!/, '')) }));
  return (rel) => {
    let included = true;
    for (const { negate, re } of compiled) if (re.test(rel)) included = negate;
    return included;
  };
}

/** Parses `["a","b"]` exec form, or shell form into sh -c. */
export function execForm(args: string): string[] {
  return args.startsWith('[') ? (JSON.parse(args) as string[]) : ['sh', '-c', args];
}

export interface Replay {
  dir: string;
  env: Record<string, string>;
  cmd: string[];
  healthcheck: string[] | null;
  skipped: string[];
  exposed: string[];
  user: string | null;
}

const HOST_ONLY = /^(apk|apt-get|apt|yum|dnf|addgroup|adduser|useradd|groupadd)\b/;

export function replayDockerfile(context: string, work: string): Replay {
  const keep = dockerignoreFilter(context);
  const stages = new Map<string, string>();
  let stageDir = '';
  let workdir = '/';
  let env: Record<string, string> = {};
  let cmd: string[] = [];
  let healthcheck: string[] | null = null;
  let user: string | null = null;
  const skipped: string[] = [];
  const exposed: string[] = [];
  const at = (p: string) => join(stageDir, p.startsWith('/') ? p : join(workdir, p));

  for (const { op, args } of parseDockerfile(readFileSync(join(context, 'Dockerfile'), 'utf8'))) {
    switch (op) {
      case 'FROM': {
        const [, name] = /\bAS\s+(\S+)/i.exec(args) ?? [];
        stageDir = join(work, name ?? `stage${stages.size}`);
        mkdirSync(stageDir, { recursive: true });
        stages.set(name ?? String(stages.size), stageDir);
        workdir = '/';
        env = {};
        cmd = [];
        user = null;
        break;
      }
      case 'WORKDIR':
        workdir = args.startsWith('/') ? args : join(workdir, args);
        mkdirSync(at('.'), { recursive: true });
        break;
      case 'ENV':
        for (const m of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[m[1]!] = m[2]!.replace(/^"|"$/g, '');
        break;
      case 'COPY': {
        const from = /--from=(\S+)/.exec(args)?.[1];
        const parts = args.replace(/--\S+/g, '').trim().split(/\s+/);
        const dest = parts.pop()!;
        for (const src of parts.flatMap((p) => expandGlob(from ? stages.get(from)! : context, p))) {
          const base = from ? stages.get(from)! : context;
          const source = from ? join(base, src) : join(context, src);
          const target = dest.endsWith('/') ? join(at(dest), src.split('/').pop()!) : at(dest);
          cpSync(source, target, {
            recursive: true,
            dereference: false,
            filter: (p) =>
              from !== undefined || keep(relative(context, p) || '.') || relative(context, p) === '',
          });
        }
        break;
      }
      case 'RUN':
        for (const step of args.split(/\s*&&\s*/)) {
          if (
            HOST_ONLY.test(step) ||
            /\b(chown|ln -s \/app|chmod \+x \/app)\b/.test(step) ||
            step.startsWith('mkdir -p /')
          ) {
            skipped.push(step);
            continue;
          }
          execSync(step, { cwd: at('.'), stdio: 'pipe', env: { ...process.env, ...env } });
        }
        break;
      case 'CMD':
        cmd = execForm(args);
        break;
      case 'HEALTHCHECK': {
        const m = /CMD\s+(.*)$/.exec(args);
        healthcheck = m ? execForm(m[1]!) : null;
        break;
      }
      case 'ARG':
        // Build arguments only choose the base image, which a host replay does not use.
        break;
      case 'USER':
        user = args;
        break;
      case 'EXPOSE':
        exposed.push(...args.split(/\s+/));
        break;
      default:
        skipped.push(`${op} ${args}`);
    }
  }
  return { dir: join(stageDir, workdir), env, cmd, healthcheck, skipped, exposed, user };
}

/** Every file under dir, relative, for asserting what an image would contain. */
export function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full).map((f) => `${name}/${f}`) : [name];
  });
}
