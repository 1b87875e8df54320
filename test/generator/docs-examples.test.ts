// The example specs of docs/examples/ keep the promises of docs/generator.md: each loads without schema or
// semantic errors, every target generates it without an error, its outputs pass their schemas and our
// platform rules, and every spec, output excerpt and report line the document quotes is what the code writes.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { loadAnyFile } from '../../src/generator/cli/load-spec.js';
import { formatError, formatWarning, type Generated, generate } from '../../src/generator/generate.js';
import { isApp } from '../../src/generator/model/app.js';
import { allTargets } from '../../src/generator/targets/index.js';
import { repoRoot } from './helpers.js';
import { checkOneClickApp } from './rules/caprover-rules.js';
import { checkCoolifyTemplate } from './rules/coolify-rules.js';

const examplesDir = 'docs/examples';
const examples = readdirSync(join(repoRoot, examplesDir))
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const schema = (name: string) =>
  JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/schemas', name), 'utf8')) as object;
const composeSchema = new Ajv2020({ strict: false, allErrors: true }).compile(
  schema('compose-spec.schema.json'),
);
const railwaySchema = new Ajv({ allErrors: true }).compile(schema('railway.schema.json'));
const doc = readFileSync(join(repoRoot, 'docs/generator.md'), 'utf8');

function load(example: string) {
  const loaded = loadAnyFile(join(repoRoot, examplesDir, example), repoRoot);
  assert.ok(loaded.ok, `${example}: ${JSON.stringify(loaded.ok ? [] : loaded.errors)}`);
  return loaded.model;
}

function generateAll(example: string): Generated {
  return generate(load(example), allTargets);
}

function text(g: Generated, path: string): string {
  const file = g.files.find((f) => f.path === path);
  assert.ok(file && typeof file.content === 'string', `no text file ${path}`);
  return file.content;
}

/** Version 1 keeps its Coolify template byte for byte, with the Coolify-only key the v1 tests strip too. */
function composeDoc(content: string, v1: boolean): unknown {
  const data = parse(content) as { services?: Record<string, Record<string, unknown>> };
  if (v1) for (const s of Object.values(data.services ?? {})) delete s.exclude_from_hc;
  return data;
}

function checkOutputs(g: Generated, v1: boolean): void {
  const logos = g.files
    .filter((f) => f.path.startsWith('one-click-apps/public/v4/logos/'))
    .map((f) => f.path.split('/').at(-1) as string);
  const unprobed = g.warnings.some((w) => w.feature.endsWith('.probes') && /no probe/.test(w.message));
  for (const f of g.files) {
    if (typeof f.content !== 'string') continue;
    const composeLike =
      f.path === 'docker-compose.coolify.yaml' ||
      /^templates\/(compose|coolify|swarm)\/.*\.ya?ml$/.test(f.path) ||
      f.path.endsWith('.stack.yml');
    if (composeLike) {
      assert.ok(
        composeSchema(composeDoc(f.content, v1)),
        `${f.path}: ${JSON.stringify(composeSchema.errors)}`,
      );
    }
    if (f.path.startsWith('templates/coolify/') && f.path.endsWith('.yaml')) {
      const errors = checkCoolifyTemplate(
        f.path
          .split('/')
          .at(-1)!
          .replace(/\.yaml$/, ''),
        f.content,
      )
        .filter((x) => x.severity === 'error' && !(x.rule === 'S005' && unprobed))
        .map((x) => `${x.rule} ${x.message}`);
      assert.deepEqual(errors, [], f.path);
    }
    if (f.path.startsWith('one-click-apps/public/v4/apps/')) {
      const fileName = f.path.split('/').at(-1) as string;
      const findings = checkOneClickApp({
        fileName,
        text: f.content,
        logos,
        cluster: fileName.endsWith('-cluster.yml'),
      }).filter((x) => x.severity === 'error');
      assert.deepEqual(findings, [], f.path);
    }
    if (f.path.endsWith('railway.json')) {
      assert.ok(railwaySchema(JSON.parse(f.content)), `${f.path}: ${JSON.stringify(railwaySchema.errors)}`);
    }
  }
}

describe('docs/examples: every example, every target', () => {
  it('has examples, each shown in docs/generator.md', () => {
    assert.ok(examples.length >= 4, examples.join(', '));
    for (const e of examples) assert.ok(doc.includes(`<!-- example: ${e} -->`), `${e} is not shown`);
  });
  for (const example of examples) {
    it(`${example}: loads, and every target generates it with valid files`, () => {
      const model = load(example);
      for (const target of allTargets) {
        // GIVEN the example WHEN one target emits THEN no error and at least one file
        const g = generate(model, [target]);
        assert.deepEqual(g.errors.map(formatError), [], `${example} on ${target.name}`);
        assert.ok(g.files.length > 0, `${example} on ${target.name} writes files`);
      }
      checkOutputs(generateAll(example), !isApp(model));
    });
  }
});

interface Quote {
  kind: 'example' | 'output' | 'report' | 'file';
  args: string[];
  body: string;
  line: number;
}

function quotes(): Quote[] {
  const found: Quote[] = [];
  // A block ends at a fence on its own line; an indented ``` inside it (a quoted Markdown fence) does not end it.
  const pattern = /<!-- (example|output|report|file): ([^>]*?) -->\n```[a-z]*\n([\s\S]*?\n)```(?=\n|$)/g;
  for (const m of doc.matchAll(pattern)) {
    const line = doc.slice(0, m.index).split('\n').length;
    found.push({ kind: m[1] as Quote['kind'], args: m[2]!.split(' '), body: m[3]!, line });
  }
  return found;
}

const elision = /^\s*(#|\/\/)?\s*…\s*$/;

/** The quote's pieces (split at `…` lines) must occur in `source` in this order. */
function assertExcerpt(source: string, body: string, where: string): void {
  const pieces: string[][] = [[]];
  for (const l of body.replace(/\n$/, '').split('\n')) {
    if (elision.test(l)) pieces.push([]);
    else pieces.at(-1)!.push(l);
  }
  let from = 0;
  for (const piece of pieces.filter((p) => p.length > 0)) {
    const at = source.indexOf(piece.join('\n'), from);
    assert.ok(at >= 0, `${where}: not found (in order) in the source:\n${piece.join('\n')}`);
    from = at + piece.join('\n').length;
  }
}

describe('docs/generator.md quotes what the generator writes', () => {
  const all = quotes();
  it('quotes specs, outputs and reports', () => {
    for (const kind of ['example', 'output', 'report'] as const) {
      assert.ok(
        all.some((q) => q.kind === kind),
        kind,
      );
    }
  });
  for (const q of all) {
    const where = `docs/generator.md:${q.line} (${q.kind}: ${q.args.join(' ')})`;
    it(where, () => {
      const [first = '', second = ''] = q.args;
      if (q.kind === 'example') {
        assert.equal(q.body, readFileSync(join(repoRoot, examplesDir, first), 'utf8'), where);
      } else if (q.kind === 'output') {
        assertExcerpt(text(generateAll(first), second), q.body, where);
      } else if (q.kind === 'file') {
        assertExcerpt(readFileSync(join(repoRoot, first), 'utf8'), q.body, where);
      } else {
        const g = generateAll(first);
        const report = new Set([...g.warnings.map(formatWarning), ...g.errors.map(formatError)]);
        for (const l of q.body.split('\n').filter((x) => x !== '' && !elision.test(x))) {
          assert.ok(report.has(l), `${where}: not reported: ${l}`);
        }
      }
    });
  }
});
