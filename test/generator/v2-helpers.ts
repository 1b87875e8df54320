// Fixture apps of the version 2 corpus (and a Score file), loading them as v2 models, and running the real
// docker tools the compose-like outputs are checked with.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAnyFile } from '../../src/generator/cli/load-spec.js';
import { type Generated, generate } from '../../src/generator/generate.js';
import { type App, isApp } from '../../src/generator/model/app.js';
import { normalizeV2 } from '../../src/generator/model/normalize-v2.js';
import { parseAnySpecText } from '../../src/generator/spec/load-any.js';
import { composeTarget } from '../../src/generator/targets/compose/index.js';
import { swarmTarget } from '../../src/generator/targets/swarm/index.js';
import type { Target } from '../../src/generator/targets/target.js';
import { repoRoot } from './helpers.js';

export const v2Cases = [
  // The repository's own spec: its goldens cover every target (see v2-golden.test.ts).
  { name: 'paasport', spec: 'templates/specs/paasport.yaml' },
  { name: 'mastodon', spec: 'test/fixtures/specs/mastodon.yaml' },
  { name: 'n8n-queue', spec: 'test/fixtures/specs/n8n-queue.yaml' },
  { name: 'umami', spec: 'test/fixtures/specs/umami.yaml' },
  { name: 'outline', spec: 'test/fixtures/specs/outline.yaml' },
  { name: 'fastapi-template', spec: 'test/fixtures/specs/fastapi-template.yaml' },
  { name: 'mealie', spec: 'test/fixtures/specs/mealie.yaml' },
  { name: 'revolt', spec: 'test/fixtures/specs/revolt.yaml' },
  { name: 'garage', spec: 'test/fixtures/specs/garage.yaml' },
  { name: 'plausible', spec: 'test/fixtures/specs/plausible.yaml' },
  { name: 'authentik', spec: 'test/fixtures/specs/authentik.yaml' },
  { name: 'podinfo-score', spec: 'test/fixtures/specs/podinfo.score.yaml' },
] as const;

/** The targets whose v2 output is kept as goldens here; other targets add themselves as they read v2. */
export const v2GoldenTargets: readonly Target[] = [composeTarget, swarmTarget];

export function loadApp(spec: string): App {
  const loaded = loadAnyFile(join(repoRoot, spec), repoRoot);
  if (!loaded.ok) throw new Error(`${spec}: ${JSON.stringify(loaded.errors)}`);
  if (!isApp(loaded.model)) throw new Error(`${spec} is not a version 2 spec`);
  return loaded.model;
}

/** A v2 model from spec text (for one-change regression cases). */
export function appFromText(text: string): App {
  const parsed = parseAnySpecText(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  if (parsed.version !== 2) throw new Error('not a version 2 spec');
  return normalizeV2(parsed.spec, { specPath: 'spec.yaml', source: parsed.source });
}

export function generateApp(spec: string, targets: readonly Target[]): Generated {
  return generate(loadApp(spec), targets);
}

const dockerConfig = process.env.DOCKER_CONFIG ?? join(repoRoot, '.tools', 'docker');
const composePlugin = join(dockerConfig, 'cli-plugins', 'docker-compose');

/** `docker compose` from the plugin scripts/tools.sh builds; a missing plugin fails the test with the fix. */
export function dockerCompose(args: string[], cwd: string, env: Record<string, string> = {}) {
  if (!existsSync(composePlugin)) {
    throw new Error(
      `the docker compose plugin is missing at ${composePlugin}; install it with: bash scripts/tools.sh`,
    );
  }
  return spawnSync('docker', ['compose', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, DOCKER_CONFIG: dockerConfig, ...env },
  });
}

export function dockerStackConfig(file: string, env: Record<string, string>) {
  const docker = spawnSync('docker', ['--version']);
  if (docker.status !== 0) throw new Error('the docker client is missing; install docker-ce-cli');
  return spawnSync('docker', ['stack', 'config', '-c', file], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
  });
}

/** Every variable of an `.env.example` with a value: the examples as given, blanks filled with hex. */
export function envFrom(example: string): Record<string, string> {
  return Object.fromEntries(
    example
      .split('\n')
      .filter((l) => /^[A-Z][A-Z0-9_]*=/.test(l))
      .map((l) => {
        const [name, ...rest] = l.split('=');
        const value = rest.join('=');
        return [name!, value === '' ? 'a1b2c3d4e5f60718293a4b5c6d7e8f90' : value];
      }),
  );
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
