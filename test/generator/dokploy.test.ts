// Dokploy: every fixture app against the goldens, Dokploy's template CI rules (our encoding), the Compose Spec
// schema and the real `docker compose config` on the compose file after resolving the template as Dokploy
// does (variables and helpers into .env, mounts written under ../files); template.toml parsed by tomllib;
// the root meta.json index merged across apps; the TOML writer round-tripped through tomllib.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import type { Generated } from '../../src/generator/generate.js';
import { renderToml } from '../../src/generator/render/toml.js';
import { dokployTarget } from '../../src/generator/targets/dokploy/index.js';
import { type DokployMeta, mergeIndex } from '../../src/generator/targets/dokploy/meta.js';
import { cases, generateCase, loadModel, repoRoot, writeTree } from './helpers.js';
import { appCases, assertGolden, generateApp, loadApp } from './rules/app-fixtures.js';
import {
  checkDokployCompose,
  checkDokployMeta,
  checkDokployTemplate,
  parseToml,
  resolveTemplate,
} from './rules/dokploy-rules.js';
import { dockerCompose } from './v2-helpers.js';

const composeSchema = new Ajv2020({ strict: false, allErrors: true }).compile(
  JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/schemas/compose-spec.schema.json'), 'utf8')),
);

function text(g: Generated, path: string): string {
  const f = g.files.find((x) => x.path === path);
  assert.ok(f && typeof f.content === 'string', `no ${path}`);
  return f.content;
}

/** The template as Dokploy checks and deploys it: CI rules, schema, then docker compose config. */
function checkBlueprint(g: Generated, name: string): void {
  const dir = `blueprints/${name}`;
  const compose = text(g, `${dir}/docker-compose.yml`);
  const template = parseToml(text(g, `${dir}/template.toml`));
  assert.deepEqual(checkDokployCompose(compose), [], 'docker-compose.yml rules');
  assert.deepEqual(checkDokployTemplate(template, compose), [], 'template.toml rules');
  const meta = JSON.parse(text(g, `${dir}/meta.json`)) as Record<string, unknown>;
  assert.deepEqual(
    checkDokployMeta(
      meta,
      name,
      g.files.map((f) => f.path),
    ),
    [],
    'meta.json rules',
  );
  assert.ok(composeSchema(parse(compose)), JSON.stringify(composeSchema.errors));
  const index = JSON.parse(text(g, 'meta.json')) as DokployMeta[];
  assert.deepEqual(index, [meta], 'the root index lists the template');

  const root = writeTree(g.files);
  try {
    const base = join(root, dir);
    const { env, mounts } = resolveTemplate(template);
    const composeVars = [...compose.matchAll(/(?<!\$)\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1] as string);
    for (const v of composeVars)
      assert.ok(v in env, `${v} is read by the compose file but not in [config.env]`);
    if (Object.keys(env).length > 0 && composeVars.length > 0) {
      const bare = dockerCompose(['-f', 'docker-compose.yml', 'config', '-q'], base);
      assert.notEqual(bare.status, 0, 'compose needs the template env');
    }
    // Required inputs without a default are empty until the operator fills them in Dokploy's Environment tab.
    const filled = Object.entries(env).map(([k, v]) => [k, v === '' ? 'set-by-operator' : v]);
    writeFileSync(join(base, '.env'), filled.map(([k, v]) => `${k}=${v}\n`).join(''));
    for (const m of mounts) {
      const path = join(root, 'blueprints/files', m.filePath);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, m.content);
      assert.doesNotMatch(m.content, /\$\{[a-z_]+\}/, `${m.filePath}: every variable resolved`);
    }
    const config = dockerCompose(['-f', 'docker-compose.yml', 'config', '--format', 'json'], base);
    assert.equal(config.status, 0, config.stderr);
    const resolved = JSON.parse(config.stdout) as {
      services: Record<string, { volumes?: { type: string; source: string }[] }>;
    };
    for (const s of Object.values(resolved.services)) {
      for (const v of s.volumes ?? []) {
        if (v.type === 'bind')
          assert.ok(readFileSync(v.source, 'utf8').length >= 0, `${v.source} is written`);
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('dokploy: fixture apps (spec version 2 and Score)', () => {
  for (const c of appCases) {
    it(`${c.name}: goldens, Dokploy CI rules, Compose schema, docker compose config`, () => {
      const app = loadApp(c.spec);
      const g = generateApp(app, [dokployTarget]);
      assertGolden('dokploy', c.name, g);
      if (g.errors.length === 0) checkBlueprint(g, app.name);
    });
  }
});

describe('dokploy: version 1 specs', () => {
  for (const c of cases) {
    it(`${c.name}: Dokploy CI rules, Compose schema, docker compose config`, () => {
      const g = generateCase(c.spec, [dokployTarget]);
      assert.deepEqual(g.errors, []);
      checkBlueprint(g, loadModel(c.spec).name);
    });
  }
});

describe('dokploy: mapping', () => {
  it('public HTTP ports become domains, other public ports container ports, files mounts', () => {
    const g = generateApp(loadApp('test/fixtures/specs/v2-media-ports.yaml'), [dokployTarget]);
    const template = parseToml(text(g, 'blueprints/media/template.toml'));
    const compose = parse(text(g, 'blueprints/media/docker-compose.yml'));
    assert.deepEqual(
      template.config?.domains?.map((d) => [d.serviceName, d.port, d.host]),
      [
        ['web', 8000, '${main_domain}'],
        ['files', 9000, '${files_domain}'],
      ],
    );
    assert.deepEqual(compose.services.web.ports, ['50051', '4433/udp']);
    assert.equal(template.variables?.main_domain, '${domain}');
    assert.ok(g.warnings.some((w) => w.feature === 'workloads.web.ports.grpc'));
  });

  it('generated secrets use the helper of their format and length', () => {
    const g = generateApp(loadApp('test/fixtures/specs/v2-media-ports.yaml'), [dokployTarget]);
    const vars = parseToml(text(g, 'blueprints/media/template.toml')).variables ?? {};
    assert.equal(vars.instance_id, '${uuid}');
    assert.equal(vars.search_key, '${password:32}');
    assert.match(String(vars.files_secret_key), /^\$\{hash:40\}$/);
  });

  it('the root index keeps apps generated before, replaces its own entry and stays sorted', () => {
    const one = JSON.parse(text(generateCase(cases[2].spec, [dokployTarget]), 'meta.json'))[0] as DokployMeta;
    const two = JSON.parse(text(generateCase(cases[1].spec, [dokployTarget]), 'meta.json'))[0] as DokployMeta;
    const merged = mergeIndex(mergeIndex('[]', [one]), [two]);
    assert.deepEqual(
      JSON.parse(merged)
        .map((m: DokployMeta) => m.id)
        .sort(),
      [one.id, two.id].sort(),
    );
    assert.equal(mergeIndex(merged, [two]), merged, 'merging again changes nothing');
    assert.equal(JSON.parse(mergeIndex('not json', [one])).length, 1);
  });
});

describe('toml writer', () => {
  it('round-trips tricky strings, keys and tables through tomllib', () => {
    const tricky = [
      'plain',
      'quote " and \\ backslash',
      "multi\nline with ''' inside\n",
      "ends with quote'\nx'",
      'tab\tand \u0001 control',
      'unicode é 日本 🎉',
      'line one\nline two\n',
      '${not_a_variable}',
      '',
    ];
    const doc = {
      variables: Object.fromEntries(tricky.map((s, i) => [`v${i}`, s])),
      config: {
        domains: [{ serviceName: 'web', port: 8080, host: '${main_domain}' }],
        env: { 'WITH.DOT': 'x', PLAIN_KEY: 'y' },
        mounts: [{ filePath: '/a/b.conf', content: tricky[2] as string }],
      },
      flag: { on: true, off: false, n: 1.5 },
    };
    const parsed = parseToml(renderToml(doc, ['header line', '']));
    assert.deepEqual(parsed, doc);
  });
});
