// `paasport import` as a command: the real process (`node --import tsx src/cli.ts import ...`) printing the spec
// to stdout and its report to stderr, -o writing a file that validate and generate accept, exit code 2 for
// input that is not a compose file, and the example of docs/generator.md reproduced by its quoted command.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { importCompose } from '../../src/generator/import/index.js';
import { parseAnySpecText } from '../../src/generator/spec/load-any.js';
import { runGenerator } from '../helpers/generator-cli.js';
import { repoRoot } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'paasport-import-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const fixture = (app: string) => join(repoRoot, 'test/fixtures/compose', `${app}.yml`);

/** The `paasport` command as a user runs it, in `cwd`. */
function paasport(args: string[], cwd: string) {
  // The loader by URL, so the command also runs in a scratch folder outside the repository.
  return spawnSync(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), join(repoRoot, 'src/cli.ts'), ...args],
    {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    },
  );
}

const run = (...argv: string[]) => runGenerator(dir, ...argv);

describe('paasport import (command line)', () => {
  it('prints the spec to stdout and the report to stderr, as a process', () => {
    const out = paasport(['import', fixture('umami'), '--repository', 'umami-software/umami'], repoRoot);
    assert.equal(out.status, 0, out.stderr);
    assert.ok(
      out.stdout.startsWith('# Imported from umami.yml by `paasport import`.'),
      out.stdout.slice(0, 200),
    );
    const parsed = parseAnySpecText(out.stdout);
    assert.ok(parsed.ok && parsed.version === 2, JSON.stringify(parsed.ok ? '' : parsed.errors));
    assert.equal(parsed.spec.repository, 'umami-software/umami');
    assert.equal(parsed.spec.workloads.umami?.env?.DATABASE_URL, '${resources.db.url}');
    assert.match(out.stderr, /^Changed on the way \(3\):\n {2}- services\.db\.volumes: /m);
    assert.match(out.stderr, /APP_SECRET: its literal value becomes a secret each target generates/);
  });

  it('writes -o, which validate accepts and generate turns into every target', async () => {
    const imported = await run(
      'import',
      fixture('twenty'),
      '-o',
      'spec/twenty.yaml',
      '--repository',
      'twentyhq/twenty',
    );
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal(
      imported.stdout,
      'wrote spec/twenty.yaml; check it with: paasport validate spec/twenty.yaml\n',
    );
    assert.match(imported.stderr, /^Losses accepted in targets\.<target>\.accept \(\d+\):$/m);
    const text = readFileSync(join(dir, 'spec/twenty.yaml'), 'utf8');
    assert.equal(
      text,
      importCompose(readFileSync(fixture('twenty'), 'utf8'), fixture('twenty'), {
        repository: 'twentyhq/twenty',
      }).text,
    );
    const valid = await run('validate', 'spec/twenty.yaml');
    assert.equal(valid.code, 0, valid.stderr);
    assert.match(valid.stdout, /spec\/twenty\.yaml is valid/);
    assert.doesNotMatch(valid.stderr, /^error:/m);
    const generated = await run('generate', 'spec/twenty.yaml', '-o', 'out', '-q');
    assert.equal(generated.code, 0, generated.stderr);
    assert.ok(existsSync(join(dir, 'out/templates/compose/twenty/docker-compose.yml')));
    assert.ok(readdirSync(join(dir, 'out')).length > 3);
  });

  it('exits 2 for a missing file, a file that is not YAML or has no services, and a bad --repository', async () => {
    writeFileSync(join(dir, 'broken.yml'), 'services: [\n');
    writeFileSync(join(dir, 'empty.yml'), 'volumes:\n  data: {}\n');
    const missing = await run('import', 'missing.yml');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read missing\.yml/);
    const broken = await run('import', 'broken.yml');
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /broken\.yml not valid YAML/);
    const empty = await run('import', 'empty.yml', '-o', 'empty.yaml');
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /has no services/);
    assert.equal(existsSync(join(dir, 'empty.yaml')), false);
    assert.equal((await run('import', fixture('umami'), '--repository', 'not a repo')).code, 2);
  });

  it('is listed in the help, with its own usage', async () => {
    assert.match((await run('--help')).stdout, /^ {2}import <compose> \[-o f\]/m);
    assert.match(
      (await run('import', '--help')).stdout,
      /^Usage: paasport import \[compose file\] \[-o <spec>\]/,
    );
  });

  it('reproduces the example of docs/generator.md: its command, its report and its spec', () => {
    const doc = readFileSync(join(repoRoot, 'docs/generator.md'), 'utf8');
    const block = /<!-- import-command -->\n```text\n\$ (paasport import [^\n]+)\n([\s\S]*?)```/.exec(doc);
    assert.ok(block, 'docs/generator.md quotes the import command');
    const [, command = '', output = ''] = block;
    // GIVEN the repository's example files at the paths the command names, in a scratch copy
    const work = join(dir, 'docs-example');
    mkdirSync(join(work, 'docs/examples'), { recursive: true });
    cpSync(
      join(repoRoot, 'docs/examples/imported-compose.yml'),
      join(work, 'docs/examples/imported-compose.yml'),
    );
    // WHEN the quoted command runs
    const out = paasport(command.split(' ').slice(1), work);
    // THEN it prints what the page shows and writes the spec the page shows
    assert.equal(out.status, 0, out.stderr);
    assert.equal(out.stderr + out.stdout, output);
    assert.equal(
      readFileSync(join(work, 'docs/examples/imported.yaml'), 'utf8'),
      readFileSync(join(repoRoot, 'docs/examples/imported.yaml'), 'utf8'),
    );
  });
});
