// Shared fixtures for generator tests: the spec cases, in-memory generation, and writing files to a temp dir.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadSpecFile } from '../../src/generator/cli/load-spec.js';
import { type Generated, generate } from '../../src/generator/generate.js';
import type { AppModel } from '../../src/generator/model/app-model.js';
import { allTargets } from '../../src/generator/targets/index.js';
import type { GeneratedFile, Target } from '../../src/generator/targets/target.js';

export const repoRoot = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');

export const cases = [
  { name: 'paasport-v1', spec: 'test/fixtures/specs/paasport-v1.yaml' },
  { name: 'minimal', spec: 'test/fixtures/specs/minimal.yaml' },
  { name: 'postgres-only', spec: 'test/fixtures/specs/postgres-only.yaml' },
  { name: 'minio-secrets', spec: 'test/fixtures/specs/minio-secrets.yaml' },
] as const;

export function loadModel(spec: string): AppModel {
  const loaded = loadSpecFile(join(repoRoot, spec), repoRoot);
  if (!loaded.ok) throw new Error(`${spec}: ${JSON.stringify(loaded.errors)}`);
  return loaded.model;
}

export function generateCase(spec: string, targets: readonly Target[] = allTargets): Generated {
  return generate(loadModel(spec), targets);
}

export function fileText(files: GeneratedFile[], path: string): string {
  const file = files.find((f) => f.path === path);
  if (!file || typeof file.content !== 'string') throw new Error(`no text file ${path}`);
  return file.content;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes files under a fresh temp dir (or the given dir) and returns it. */
export function writeTree(
  files: GeneratedFile[],
  dir = mkdtempSync(join(tmpdir(), 'paasport-gen-')),
): string {
  for (const f of files) {
    const path = join(dir, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
  }
  return dir;
}
