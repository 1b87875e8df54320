// Version 2 and Score fixture apps for the CapRover, Coolify and Railway tests: every such file under
// test/fixtures/specs (found, not listed, so new fixtures are checked as they land), loading from a file
// or from YAML text, and golden files with the target's report (warnings and errors).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadAnyFile } from '../../../src/generator/cli/load-spec.js';
import { formatError, formatWarning, type Generated, generate } from '../../../src/generator/generate.js';
import { type App, isApp } from '../../../src/generator/model/app.js';
import { normalizeV2 } from '../../../src/generator/model/normalize-v2.js';
import { parseAnySpecText } from '../../../src/generator/spec/load-any.js';
import type { GeneratedFile, Target } from '../../../src/generator/targets/target.js';
import { repoRoot, sha256, writeTree } from '../helpers.js';

const specDir = 'test/fixtures/specs';

function isV2(path: string): boolean {
  const text = readFileSync(join(repoRoot, path), 'utf8');
  return /^version:\s*2\s*$/m.test(text) || /^apiVersion:\s*score\.dev\//m.test(text);
}

/** Every version 2 or Score fixture, named by its file name without extension (`.` as `-`). */
export const appCases: { name: string; spec: string }[] = readdirSync(join(repoRoot, specDir))
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => ({ name: f.replace(/\.ya?ml$/, '').replace(/\./g, '-'), spec: `${specDir}/${f}` }))
  .filter((c) => isV2(c.spec))
  .sort((a, b) => (a.name < b.name ? -1 : 1));

export function loadApp(spec: string): App {
  const loaded = loadAnyFile(join(repoRoot, spec), repoRoot);
  if (!loaded.ok) throw new Error(`${spec}: ${JSON.stringify(loaded.errors)}`);
  if (!isApp(loaded.model)) throw new Error(`${spec} is not a version 2 spec`);
  return loaded.model;
}

/** An app from spec text, for one-change variants of a fixture. */
export function appFromText(text: string): App {
  const loaded = parseAnySpecText(text);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  if (loaded.version !== 2) throw new Error('not a version 2 spec');
  return normalizeV2(loaded.spec, { specPath: 'spec.yaml', source: loaded.source });
}

/** A parsed spec, edited freely by one-change test variants. */
// biome-ignore lint/suspicious/noExplicitAny: variants reach into arbitrary spec keys
export type SpecTree = any;

export function fixtureText(name: string): string {
  return readFileSync(join(repoRoot, specDir, `${name}.yaml`), 'utf8');
}

export function generateApp(app: App, targets: readonly Target[]): Generated {
  return generate(app, targets);
}

export function features(g: Generated, kind: 'warnings' | 'errors'): string[] {
  return g[kind].map((x) => `${x.target}: ${x.feature}`);
}

/** Asserts that a target reported a warning or error for a feature (`caprover: workloads.web.files`). */
export function assertFeature(g: Generated, kind: 'warnings' | 'errors', feature: string): void {
  const found = features(g, kind);
  assert.ok(found.includes(feature), `${feature} not among the ${kind}: ${found.join('; ') || 'none'}`);
}

function listTree(root: string, dir = root): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listTree(root, full) : [relative(root, full)];
  });
}

/**
 * Compares one target's files for one case with test/golden/<target>/<case>/ (binary files as sha256, no
 * files when the target reports an error) and its warnings and errors with `_report.txt` there, the layout
 * of the version 2 golden suite. UPDATE_GOLDEN=1 rewrites them.
 */
export function assertGolden(target: string, caseName: string, g: Generated): void {
  const report = [...g.warnings.map(formatWarning), ...g.errors.map(formatError)];
  const files: GeneratedFile[] = [
    ...(g.errors.length > 0 ? [] : g.files).map((f) =>
      typeof f.content === 'string' ? f : { path: `${f.path}.sha256`, content: `${sha256(f.content)}\n` },
    ),
    { path: '_report.txt', content: report.length > 0 ? `${report.join('\n')}\n` : '' },
  ];
  const dir = join(repoRoot, 'test/golden', target, caseName);
  if (process.env.UPDATE_GOLDEN === '1') {
    rmSync(dir, { recursive: true, force: true });
    writeTree(files, dir);
  }
  assert.deepEqual(listTree(dir).sort(), files.map((f) => f.path).sort(), `${target}/${caseName} files`);
  for (const f of files) assert.equal(readFileSync(join(dir, f.path), 'utf8'), f.content, f.path);
}
