// The release workflow, read by actionlint (the real checker of GitHub Actions files) and by its shape:
// tests gate the image, images are tagged by version, `latest` follows only the newest release tag, and the
// image carries an SBOM and a provenance attestation.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

const root = new URL('../../', import.meta.url).pathname;
const file = join(root, '.github/workflows/release.yml');
const actionlint = join(root, '.tools/bin/actionlint');

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  steps: Step[];
}
const workflow = parse(readFileSync(file, 'utf8')) as { on: unknown; jobs: Record<string, Job> };

describe('release workflow', () => {
  it('passes actionlint', () => {
    assert.ok(existsSync(actionlint), 'actionlint is missing; install it with: bash scripts/tools.sh');
    const out = spawnSync(actionlint, ['-no-color', file], { encoding: 'utf8' });
    assert.equal(out.status, 0, out.stdout + out.stderr);
  });

  it('runs on version tags only and tests before anything is pushed', () => {
    assert.deepEqual(workflow.on, { push: { tags: ['v*.*.*'] } });
    const test = workflow.jobs['test']!;
    const runs = test.steps.map((s) => s.run ?? '').join('\n');
    assert.match(runs, /bash \.ci\/run/);
    assert.match(runs, /npm run generate:check/);
    for (const [name, job] of Object.entries(workflow.jobs)) {
      if (name === 'test') continue;
      assert.deepEqual([job.needs].flat(), ['test'], `${name} must wait for the tests`);
    }
  });

  it('tags by version, moves latest only for the newest release, and attests the image', () => {
    const steps = workflow.jobs['image']!.steps;
    const meta = steps.find((s) => s.id === 'meta')!;
    assert.equal(meta.with?.['flavor'], 'latest=false');
    const tags = String(meta.with?.['tags']).trim().split('\n');
    for (const tag of tags) assert.match(tag, /^type=(semver|raw,value=latest,enable=\$\{\{ steps\.newest)/);
    assert.ok(steps.some((s) => s.id === 'newest' && /sort -V/.test(s.run ?? '')));
    const build = steps.find((s) => s.id === 'build')!;
    assert.equal(build.with?.['sbom'], true);
    assert.equal(build.with?.['provenance'], 'mode=max');
    assert.ok(steps.some((s) => s.uses?.startsWith('actions/attest-build-provenance@')));
  });
});
