// Portainer: every fixture app against the goldens; templates.json against the app templates format 3; the
// stack file against the Compose Spec schema and the real `docker compose config` with the values the form
// asks for (and failing without them); templates of several apps accumulating in one templates.json.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import type { Generated } from '../../src/generator/generate.js';
import { portainerTarget } from '../../src/generator/targets/portainer/index.js';
import { mergeList, type PortainerEnv } from '../../src/generator/targets/portainer/templates-list.js';
import { cases, generateCase, loadModel, repoRoot, writeTree } from './helpers.js';
import { appCases, assertGolden, generateApp, loadApp } from './rules/app-fixtures.js';
import { checkPortainerTemplates } from './rules/portainer-rules.js';
import { dockerCompose } from './v2-helpers.js';

const composeSchema = new Ajv2020({ strict: false, allErrors: true }).compile(
  JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/schemas/compose-spec.schema.json'), 'utf8')),
);

function text(g: Generated, path: string): string {
  const f = g.files.find((x) => x.path === path);
  assert.ok(f && typeof f.content === 'string', `no ${path}`);
  return f.content;
}

/** What an operator types into the form: defaults kept, every empty field filled. */
function formValues(env: PortainerEnv[]): Record<string, string> {
  return Object.fromEntries(env.map((e) => [e.name, e.default ?? 'a1b2c3d4e5f60718293a4b5c6d7e8f90']));
}

function checkTemplate(g: Generated, name: string): void {
  const stackPath = `templates/portainer/${name}/docker-compose.yml`;
  const stack = text(g, stackPath);
  assert.ok(composeSchema(parse(stack)), JSON.stringify(composeSchema.errors));
  const read = new Set([...stack.matchAll(/(?<!\$)\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1] as string));
  const listed = g.files.some((f) => f.path === 'templates/portainer/templates.json');
  // Without a repository there is no template: the operator uploads the stack and sets every variable.
  let template = { env: [...read].map((v) => ({ name: v, label: v })) as PortainerEnv[] };
  if (listed) {
    const list = JSON.parse(text(g, 'templates/portainer/templates.json'));
    assert.deepEqual(
      checkPortainerTemplates(
        list,
        g.files.map((f) => f.path),
      ),
      [],
    );
    template = list.templates[0];
    assert.equal(list.templates[0].repository.stackfile, stackPath);
  } else {
    assert.ok(
      g.warnings.some((w) => w.feature === 'portainer.template'),
      'no template without a repository, reported',
    );
  }
  assert.deepEqual(
    [...read].sort(),
    template.env.map((e) => e.name).sort(),
    'the form asks for every variable',
  );
  const dir = writeTree(g.files);
  try {
    const base = join(dir, `templates/portainer/${name}`);
    // Portainer passes the form's values to docker compose as the stack's environment.
    const isolated = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root' };
    if (template.env.some((e) => e.default === undefined)) {
      const bare = dockerCompose(['-f', 'docker-compose.yml', 'config', '-q'], base, isolated);
      assert.notEqual(bare.status, 0, 'the stack needs the form values');
    }
    const config = dockerCompose(['-f', 'docker-compose.yml', 'config', '-q'], base, {
      ...isolated,
      ...formValues(template.env),
    });
    assert.equal(config.status, 0, config.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('portainer: fixture apps (spec version 2 and Score)', () => {
  for (const c of appCases) {
    it(`${c.name}: goldens, templates format 3, Compose schema, docker compose config`, () => {
      const app = loadApp(c.spec);
      const g = generateApp(app, [portainerTarget]);
      assertGolden('portainer', c.name, g);
      if (g.errors.length === 0) checkTemplate(g, app.name);
    });
  }
});

describe('portainer: version 1 specs', () => {
  for (const c of cases) {
    it(`${c.name}: templates format 3, Compose schema, docker compose config`, () => {
      const g = generateCase(c.spec, [portainerTarget]);
      assert.deepEqual(g.errors, []);
      checkTemplate(g, loadModel(c.spec).name);
    });
  }
});

describe('portainer: templates.json', () => {
  it('keeps templates generated before, renumbers ids and replaces its own entry', () => {
    const a = JSON.parse(
      text(generateCase(cases[0].spec, [portainerTarget]), 'templates/portainer/templates.json'),
    );
    const other = { ...a.templates[0], name: 'another', title: 'Another' };
    const merged = mergeList(mergeList('', [other]), a.templates);
    const doc = JSON.parse(merged);
    assert.deepEqual(
      doc.templates.map((t: { name: string; id: number }) => [t.name, t.id]),
      [
        ['another', 1],
        ['paasport', 2],
      ],
    );
    assert.equal(mergeList(merged, a.templates), merged, 'merging again changes nothing');
    assert.deepEqual(checkPortainerTemplates(doc, [a.templates[0].repository.stackfile]), []);
  });

  it('a generated secret is asked for with the command that makes it, and reported', () => {
    const g = generateCase(cases[0].spec, [portainerTarget]);
    const env = JSON.parse(text(g, 'templates/portainer/templates.json')).templates[0].env as PortainerEnv[];
    assert.match(env.find((e) => e.name === 'POSTGRES_PASSWORD')?.description ?? '', /openssl rand -hex 16/);
    assert.ok(g.warnings.some((w) => w.feature === 'portainer.secrets'));
  });
});
