// Golden files: every target's output for every spec case must match test/golden/<target>/<case>/ byte for byte.
// Refresh after an intended change with: npm run test:golden:update (UPDATE_GOLDEN=1).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { allTargets } from '../../src/generator/targets/index.js';
import type { GeneratedFile } from '../../src/generator/targets/target.js';
import { cases, generateCase, repoRoot, sha256, writeTree } from './helpers.js';

const update = process.env.UPDATE_GOLDEN === '1';

/** Binary outputs are stored as `<file>.sha256`, text outputs as themselves. */
function goldenForm(files: GeneratedFile[]): GeneratedFile[] {
  return files.map((f) =>
    typeof f.content === 'string' ? f : { path: `${f.path}.sha256`, content: `${sha256(f.content)}\n` },
  );
}

function listTree(root: string, dir = root): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listTree(root, full) : [relative(root, full)];
  });
}

describe('golden outputs', () => {
  for (const target of allTargets) {
    for (const c of cases) {
      it(`${target.name} / ${c.name}`, () => {
        // GIVEN a spec case WHEN one target emits THEN the files equal the stored goldens
        const files = goldenForm(generateCase(c.spec, [target]).files);
        const dir = join(repoRoot, 'test/golden', target.name, c.name);
        if (update) {
          rmSync(dir, { recursive: true, force: true });
          writeTree(files, dir);
        }
        assert.deepEqual(listTree(dir).sort(), files.map((f) => f.path).sort(), 'set of files');
        for (const f of files) {
          assert.equal(readFileSync(join(dir, f.path), 'utf8'), f.content, f.path);
        }
      });
    }
  }
});
