// The generator CLI end to end on temp dirs: help, targets, init, validate/generate exit codes, --check drift.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { allTargets } from '../../src/generator/targets/index.js';
import { runGenerator } from '../helpers/generator-cli.js';
import { repoRoot } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'paasport-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const run = (...argv: string[]) => runGenerator(dir, ...argv);

describe('paasport CLI (generator half)', () => {
  it('prints help listing generator and server commands', async () => {
    const { code, stdout } = await run('--help');
    assert.equal(code, 0);
    for (const command of [
      'validate',
      'generate',
      'targets',
      'init',
      'serve',
      'migrate',
      'backup',
      'restore',
    ]) {
      assert.match(stdout, new RegExp(`^  ${command}`, 'm'));
    }
    for (const command of ['validate', 'generate', 'targets', 'init']) {
      assert.match((await run(command, '--help')).stdout, /^Usage: paasport/);
    }
  });

  it('lists targets, rejects unknown commands, options and targets with exit 2', async () => {
    const { stdout } = await run('targets');
    for (const t of allTargets) assert.match(stdout, new RegExp(`^${t.name} `, 'm'));
    assert.equal((await run('frobnicate')).code, 2);
    const typo = await run('generate', 'x.yaml', '--tagret', 'compose');
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /did you mean --target/);
    assert.equal((await run('generate', 'x.yaml', '--target', 'heroku')).code, 2);
  });

  it('init writes a valid starter and refuses to overwrite it', async () => {
    assert.equal((await run('init', 'app.yaml')).code, 0);
    assert.equal((await run('validate', 'app.yaml')).code, 0);
    assert.equal((await run('init', 'app.yaml')).code, 1);
  });

  it('writes nothing and exits 2 for an invalid spec', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'version: 1\nname: x\n');
    const { code, stderr } = await run('generate', 'bad.yaml', '--out', 'bad-out');
    assert.equal(code, 2);
    assert.match(stderr, /\/app: is required/);
    assert.equal(existsSync(join(dir, 'bad-out')), false);
  });

  it('generates selected targets, reports warnings, then --check detects drift', async () => {
    const spec = join(repoRoot, 'test/fixtures/specs/postgres-only.yaml');
    const first = await run('generate', spec, '--out', 'out', '--target', 'compose,coolify');
    assert.equal(first.code, 0);
    assert.deepEqual(readdirSync(join(dir, 'out')).sort(), ['docker-compose.coolify.yaml', 'templates']);
    const minimal = await run(
      'generate',
      join(repoRoot, 'test/fixtures/specs/minimal.yaml'),
      '-o',
      'min',
      '-t',
      'coolify',
    );
    assert.match(minimal.stderr, /^warning: coolify: app\.build: /m);
    assert.equal(
      (await run('generate', spec, '--out', 'out', '-t', 'compose', '-t', 'coolify', '--check')).code,
      0,
    );
    const file = join(dir, 'out/templates/coolify/notes-api.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('image: postgres:18', 'image: postgres:16'));
    const drift = await run('generate', spec, '--out', 'out', '-t', 'coolify', '--check');
    assert.equal(drift.code, 1);
    assert.match(drift.stdout, /^- {4}image: postgres:16$/m);
    assert.match(drift.stdout, /^\+ {4}image: postgres:18$/m);
  });
});
