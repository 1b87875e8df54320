// The npm package as a user receives it: packed from a copy of the sources (prepack builds it), installed
// into an empty project. Only what runs is shipped, the generator and client install without the server's
// dependencies, the exports resolve, and a server command says how to add what it lacks.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, tempDir } from '../helpers/services.js';

const sources = ['package.json', 'package-lock.json', 'README.md', 'LICENSE', 'scripts', 'src', 'docs'];

describe('npm package', () => {
  let work: Awaited<ReturnType<typeof tempDir>>;
  let listed: string[];
  let project: string;

  before(async () => {
    work = await tempDir('package-');
    const checkout = join(work.path, 'checkout');
    for (const f of [...sources, ...readdirSync(ROOT).filter((n) => /^tsconfig.*\.json$/.test(n))])
      cpSync(join(ROOT, f), join(checkout, f), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
    // `npm pack` runs prepack (the build) first, as `npm publish` would.
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', work.path], {
        cwd: checkout,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 64 * 1024 * 1024,
      }),
    ) as { filename: string; files: { path: string }[] }[];
    listed = packed[0]!.files.map((f) => f.path);
    project = join(work.path, 'project');
    cpSync(join(ROOT, 'test/fixtures/specs/minimal.yaml'), join(project, 'minimal.yaml'));
    writeFileSync(join(project, 'package.json'), '{"name":"consumer","private":true,"type":"module"}\n');
    execFileSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work.path, packed[0]!.filename)],
      { cwd: project, stdio: 'pipe' },
    );
  });
  after(async () => {
    await work?.remove();
  });

  const cli = (...args: string[]) =>
    spawnSync(join(project, 'node_modules/.bin/paasport'), args, { cwd: project, encoding: 'utf8' });

  it('ships only what runs: the build, its types, the docs, no sources, tests or source maps', () => {
    const stray = listed.filter(
      (p) => !/^(dist\/|docs\/)/.test(p) && !['package.json', 'README.md', 'LICENSE'].includes(p),
    );
    assert.deepEqual(stray, []);
    assert.ok(!listed.some((p) => p.endsWith('.map')), 'source maps point at sources that are not shipped');
    for (const f of [
      'dist/cli.js',
      'dist/server/index.js',
      'dist/server/index.d.ts',
      'dist/client/index.js',
      'dist/client/index.d.ts',
      'dist/generator/index.d.ts',
    ])
      assert.ok(listed.includes(f), `${f} missing from the package`);
  });

  it('installs the generator and the client without the server dependencies', () => {
    const modules = join(project, 'node_modules');
    for (const light of ['ajv', 'yaml']) assert.ok(existsSync(join(modules, light)), light);
    for (const heavy of ['@electric-sql/pglite', 'express', 'pg', 'redis', 'minio'])
      assert.ok(!existsSync(join(modules, heavy)), `${heavy} was installed with the package`);
  });

  it('runs the CLI: --version, --help and generate', () => {
    const version = cli('--version');
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+/);
    const help = cli('--help');
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /generate/);
    const gen = cli('generate', 'minimal.yaml', '--out', 'out', '--target', 'compose');
    assert.equal(gen.status, 0, gen.stderr + gen.stdout);
    assert.ok(readdirSync(join(project, 'out')).length > 0, 'generate wrote nothing');
  });

  it('tells how to install the server dependencies when a server command needs them', () => {
    const serve = cli('serve');
    assert.equal(serve.status, 2, serve.stderr);
    assert.match(serve.stderr, /npm install paasport .*'express@/);
  });

  it('resolves the paasport/client and paasport/generator exports', () => {
    const probe = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const c = await import('paasport/client'); const g = await import('paasport/generator');
         console.log(JSON.stringify({ client: Object.keys(c), targets: g.allTargets.map((t) => t.name),
           generate: typeof g.generate }));`,
      ],
      { cwd: project, encoding: 'utf8' },
    );
    assert.equal(probe.status, 0, probe.stderr);
    const out = JSON.parse(probe.stdout) as { client: string[]; targets: string[]; generate: string };
    assert.ok(out.client.length > 0, 'paasport/client exports nothing');
    assert.ok(out.targets.includes('compose'));
    assert.equal(out.generate, 'function');
  });
});
