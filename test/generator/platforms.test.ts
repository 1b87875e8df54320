// Compose-based and Railway outputs checked by the real tools and published schemas: the Compose Spec schema
// (Ajv2020), `docker stack config` for the Swarm stack, Railway's railway.json schema, and `tsc` against the
// `railway` package for .railway/railway.ts; plus our Coolify rules.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { composeTarget } from '../../src/generator/targets/compose/index.js';
import { coolifyTarget } from '../../src/generator/targets/coolify/index.js';
import { railwayTarget } from '../../src/generator/targets/railway/index.js';
import { swarmTarget } from '../../src/generator/targets/swarm/index.js';
import { cases, fileText, generateCase, loadModel, repoRoot, writeTree } from './helpers.js';
import { checkCoolifyTemplate } from './rules/coolify-rules.js';

const schemas = join(repoRoot, 'test/fixtures/schemas');
const composeSchema = new Ajv2020({ strict: false, allErrors: true }).compile(
  JSON.parse(readFileSync(join(schemas, 'compose-spec.schema.json'), 'utf8')),
);
const railwaySchema = new Ajv({ allErrors: true }).compile(
  JSON.parse(readFileSync(join(schemas, 'railway.schema.json'), 'utf8')),
);
const hasDocker = spawnSync('docker', ['--version']).status === 0;

/** Coolify strips its own keys before running compose; do the same before the schema check. */
function stripCoolify(doc: { services: Record<string, Record<string, unknown>> }) {
  for (const service of Object.values(doc.services)) delete service.exclude_from_hc;
  return doc;
}

function assertCompose(text: string, label: string) {
  const ok = composeSchema(stripCoolify(parse(text)));
  assert.ok(ok, `${label}: ${JSON.stringify(composeSchema.errors)}`);
}

function stackConfig(file: string, env: Record<string, string>) {
  return spawnSync('docker', ['stack', 'config', '-c', file], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

describe('coolify', () => {
  for (const c of cases) {
    it(`${c.name}: template and Git compose pass the Compose schema and the Coolify rules`, () => {
      const model = loadModel(c.spec);
      const { files } = generateCase(c.spec, [coolifyTarget]);
      const template = fileText(files, `templates/coolify/${model.name}.yaml`);
      const git = fileText(files, 'docker-compose.coolify.yaml');
      assertCompose(template, 'template');
      assertCompose(git, 'git compose');
      assert.deepEqual(checkCoolifyTemplate(model.name, template), []);
      assert.deepEqual(
        checkCoolifyTemplate(model.name, git, false).filter((f) => f.severity === 'error'),
        [],
      );
    });
  }

  it('rules reject an underscore id and a magic variable used only in a command', () => {
    const bad = `# documentation: https://x.dev\n# slogan: s\n# category: c\n# tags: a\n# logo: svgs/a.png\n# port: 80\nservices:\n  a:\n    image: nginx:1\n    command: [run, '\${SERVICE_PASSWORD_DB_PASS}']\n    environment: [SERVICE_URL_A_80]\n    healthcheck: {test: [CMD, 'true']}\n`;
    const rules = checkCoolifyTemplate('a', bad).map((f) => f.rule);
    assert.ok(rules.includes('E003') && rules.includes('E005'), rules.join(','));
  });
});

describe('compose and swarm', () => {
  for (const c of cases) {
    it(`${c.name}: compose passes the Compose schema`, () => {
      const model = loadModel(c.spec);
      const { files } = generateCase(c.spec, [composeTarget]);
      assertCompose(fileText(files, `templates/compose/${model.name}/docker-compose.yml`), 'compose');
    });

    it(`${c.name}: swarm stack passes docker stack config`, {
      skip: !hasDocker && 'no docker client',
    }, () => {
      const model = loadModel(c.spec);
      const { files } = generateCase(c.spec, [swarmTarget, composeTarget]);
      const dir = writeTree(files);
      try {
        const secrets = Object.fromEntries(
          fileText(files, `templates/swarm/${model.name}.env.example`)
            .split('\n')
            .filter((l) => /^[A-Z0-9_]+=$/.test(l))
            .map((l) => [l.slice(0, -1), 'abcdef0123456789abcdef0123456789']),
        );
        const stack = stackConfig(join(dir, `templates/swarm/${model.name}.stack.yml`), secrets);
        assert.equal(stack.status, 0, stack.stderr);
        assert.match(stack.stdout, new RegExp(`replicas: ${model.app.replicas}`));
        const missing = stackConfig(join(dir, `templates/swarm/${model.name}.stack.yml`), {});
        if (Object.keys(secrets).length > 0) assert.notEqual(missing.status, 0, 'secrets are required');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('railway', () => {
  const typecheckDir = mkdtempSync(join(repoRoot, '.tmp-railway-'));
  after(() => rmSync(typecheckDir, { recursive: true, force: true }));

  for (const c of cases) {
    it(`${c.name}: railway.json (when built from the repo) passes Railway's schema`, () => {
      const { files } = generateCase(c.spec, [railwayTarget]);
      for (const f of files.filter((x) => x.path.endsWith('railway.json'))) {
        assert.ok(railwaySchema(JSON.parse(f.content as string)), JSON.stringify(railwaySchema.errors));
      }
    });
  }

  it('every .railway/railway.ts type-checks against the railway package', () => {
    // GIVEN all cases written side by side inside the repo (so `railway/iac` resolves from node_modules)
    const names = cases.map((c) => {
      writeFileSync(
        join(typecheckDir, `${c.name}.ts`),
        fileText(generateCase(c.spec, [railwayTarget]).files, '.railway/railway.ts'),
      );
      return `${c.name}.ts`;
    });
    writeFileSync(
      join(typecheckDir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          noEmit: true,
          skipLibCheck: false,
          types: [],
        },
        files: names,
      }),
    );
    // WHEN tsc checks them THEN there is no error
    const tsc = spawnSync(
      process.execPath,
      [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', typecheckDir],
      { encoding: 'utf8' },
    );
    assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  });
});
