// Golden files of the version 2 corpus: each target's files for each fixture app, plus `_report.txt` with the
// warnings and errors it reported, must match test/golden/<target>/<case>/ byte for byte.
// Refresh after an intended change with: npm run test:golden:update (UPDATE_GOLDEN=1).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { formatError, formatWarning, generate } from '../../src/generator/generate.js';
import { allTargets } from '../../src/generator/targets/index.js';
import type { GeneratedFile } from '../../src/generator/targets/target.js';
import { repoRoot, sha256, writeTree } from './helpers.js';
import { loadApp, v2Cases, v2GoldenTargets } from './v2-helpers.js';

const update = process.env.UPDATE_GOLDEN === '1';

function listTree(root: string, dir = root): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listTree(root, full) : [relative(root, full)];
  });
}

describe('golden outputs (spec version 2)', () => {
  for (const target of allTargets) {
    // The repository's own spec is kept for every target; the corpus for the targets listed in v2GoldenTargets.
    for (const c of v2Cases.filter((c) => c.name === 'paasport' || v2GoldenTargets.includes(target))) {
      it(`${target.name} / ${c.name}`, () => {
        // GIVEN a fixture app WHEN one target emits THEN files and report equal the stored goldens
        const result = generate(loadApp(c.spec), [target]);
        const report = [...result.warnings.map(formatWarning), ...result.errors.map(formatError)];
        const files: GeneratedFile[] = [
          ...(result.errors.length > 0 ? [] : result.files).map((f) =>
            typeof f.content === 'string'
              ? f
              : { path: `${f.path}.sha256`, content: `${sha256(f.content)}\n` },
          ),
          { path: '_report.txt', content: report.length > 0 ? `${report.join('\n')}\n` : '' },
        ];
        const dir = join(repoRoot, 'test/golden', target.name, c.name);
        if (update) {
          rmSync(dir, { recursive: true, force: true });
          writeTree(files, dir);
        }
        assert.deepEqual(listTree(dir).sort(), files.map((f) => f.path).sort(), 'set of files');
        for (const f of files) assert.equal(readFileSync(join(dir, f.path), 'utf8'), f.content, f.path);
      });
    }
  }
});
