// Resolves a compose file or Swarm stack the way its user deploys it: a `.env` filled as the generated
// `.env.example` instructs (hex of the stated length), then the real `docker compose config` (which reads the
// project's `.env`) or `docker stack config` (which reads the shell environment `set -a; . ./.env` exported).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from '../helpers.js';
import { dockerStackConfig } from '../v2-helpers.js';

/** The parts of a resolved service the rehearsal reads. */
export interface ResolvedService {
  image?: string;
  environment: Record<string, string>;
  command?: string[] | string;
  entrypoint?: string[] | string;
}

export interface ResolvedProject {
  services: Record<string, ResolvedService>;
}

/**
 * The `.env` a user writes from `.env.example`: every blank variable gets `openssl rand -hex` of the length its
 * comment (`# 32 characters: ...`, `# secret X: hex, 32 characters: ...`) states; given values stay. A blank without a stated length is a problem:
 * the user would have to invent it, so the rehearsal cannot claim the file alone is enough.
 */
export function fillEnvExample(example: string): { env: Record<string, string>; problems: string[] } {
  const env: Record<string, string> = {};
  const problems: string[] = [];
  let length: number | undefined;
  for (const line of example.split('\n')) {
    // `# 32 characters: ...` (version 1) or `# secret JWT_SECRET: hex, 64 characters: ...` (version 2).
    const stated = /^#(?:\s*|.*[:,]\s*)(\d+) characters/.exec(line);
    if (stated) {
      length = Number(stated[1]);
      continue;
    }
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!assignment) continue;
    const [, name, value] = assignment as unknown as [string, string, string];
    if (value !== '') env[name] = value;
    else if (length !== undefined)
      env[name] = randomBytes(Math.ceil(length / 2))
        .toString('hex')
        .slice(0, length);
    else problems.push(`${name}: blank in .env.example with no stated length`);
    length = undefined;
  }
  return { env, problems };
}

export function dotenvText(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')
    .concat('\n');
}

function normalize(raw: unknown): ResolvedProject {
  const services: Record<string, ResolvedService> = {};
  const rawServices = (raw as { services?: Record<string, Record<string, unknown>> }).services ?? {};
  for (const [name, svc] of Object.entries(rawServices)) {
    const environment: Record<string, string> = {};
    // A bare key with nothing to take its value from is not set in the container.
    for (const [k, v] of Object.entries((svc.environment as Record<string, unknown>) ?? {})) {
      if (v !== null && v !== undefined) environment[k] = String(v);
    }
    services[name] = {
      environment,
      ...(typeof svc.image === 'string' ? { image: svc.image } : {}),
      ...(svc.command ? { command: svc.command as string[] | string } : {}),
      ...(svc.entrypoint ? { entrypoint: svc.entrypoint as string[] | string } : {}),
    };
  }
  return { services };
}

/**
 * `docker compose config` of `file` in `dir`, the project directory whose `.env` compose reads (written from
 * `env` when given). Throws with compose's message when it refuses the file (a `${VAR:?}` left empty).
 */
export function composeConfig(dir: string, file: string, env?: Record<string, string>): ResolvedProject {
  if (env) writeFileSync(join(dir, '.env'), dotenvText(env));
  // Only what compose needs: a variable of the caller's shell would outrank the project's .env.
  const out = spawnSync(
    'docker',
    ['compose', '-f', file, '--project-directory', dir, 'config', '--format', 'json'],
    {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/root',
        DOCKER_CONFIG: process.env.DOCKER_CONFIG ?? join(repoRoot, '.tools', 'docker'),
      },
    },
  );
  if (out.status !== 0) throw new Error(`docker compose config failed: ${out.stderr}`);
  return normalize(JSON.parse(out.stdout));
}

/** `docker stack config` of a stack file with `env` exported, as `set -a; . ./.env; set +a` does. */
export function stackConfig(file: string, env: Record<string, string>): ResolvedProject {
  const out = dockerStackConfig(file, env);
  if (out.status !== 0) throw new Error(`docker stack config failed: ${out.stderr}`);
  return normalize(parseYaml(out.stdout));
}
