// The CLI with version 2 specs and Score files: init and generate agree on paasport.yaml, a target that
// cannot carry a feature stops the run with exit 2 and nothing written, Score files generate directly.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runGenerator } from '../helpers/generator-cli.js';
import { repoRoot } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'paasport-v2-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const run = runGenerator;

describe('paasport CLI with spec version 2 and Score', () => {
  it('init writes paasport.yaml, which validate and generate read when given no path', async () => {
    const cwd = mkdtempSync(join(dir, 'init-'));
    assert.equal((await run(cwd, 'init')).code, 0);
    assert.ok(existsSync(join(cwd, 'paasport.yaml')));
    assert.equal((await run(cwd, 'validate')).code, 0);
    const generated = await run(cwd, 'generate', '-t', 'compose');
    assert.equal(generated.code, 0, generated.stderr);
    assert.ok(existsSync(join(cwd, 'templates/compose/myapp/docker-compose.yml')));
  });

  it('stops with exit 2 and writes nothing when a target cannot carry a feature the app needs', async () => {
    const cwd = mkdtempSync(join(dir, 'fail-'));
    copyFileSync(join(repoRoot, 'test/fixtures/specs/fastapi-template.yaml'), join(cwd, 'app.yaml'));
    const failed = await run(cwd, 'generate', 'app.yaml', '-t', 'compose,swarm', '-o', 'out');
    assert.equal(failed.code, 2);
    assert.match(failed.stderr, /^error: swarm: workloads\.backend\.image: .*cannot build.*; hint: /m);
    assert.match(failed.stderr, /nothing was written/);
    assert.equal(existsSync(join(cwd, 'out')), false);
    const compose = await run(cwd, 'generate', 'app.yaml', '-t', 'compose', '-o', 'out');
    assert.equal(compose.code, 0, compose.stderr);
  });

  it('reports spec errors of a version 2 spec with pointers and writes nothing', async () => {
    const cwd = mkdtempSync(join(dir, 'bad-'));
    writeFileSync(
      join(cwd, 'paasport.yaml'),
      'version: 2\nname: x1\ndescription: d\nworkloads:\n  web:\n    image: nginx:latest\n    env: { A: "$' +
        '{resources.nope.url}" }\n',
    );
    const result = await run(cwd, 'generate');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /\/workloads\/web\/image: /);
    assert.match(result.stderr, /\/workloads\/web\/env\/A: refers to resource "nope"/);
  });

  it('generates compose from a Score file and says what it ignored', async () => {
    const cwd = mkdtempSync(join(dir, 'score-'));
    copyFileSync(join(repoRoot, 'test/fixtures/specs/podinfo.score.yaml'), join(cwd, 'score.yaml'));
    const result = await run(cwd, 'generate', 'score.yaml', '-t', 'compose');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^warning: score: \/resources\/route: /m);
    const text = readFileSync(join(cwd, 'templates/compose/podinfo/docker-compose.yml'), 'utf8');
    assert.match(text, /--cache-server=tcp:\/\/cache:6379/);
  });
});
