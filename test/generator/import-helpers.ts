// Importing the compose fixtures of test/fixtures/compose/ and checking the result the way a user would:
// the spec loads (schema and cross-field rules), every registered target generates it, and the compose
// target's file resolves with the real `docker compose config`.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatError, type Generated, generate } from '../../src/generator/generate.js';
import { type Imported, importCompose } from '../../src/generator/import/index.js';
import { normalizeV2 } from '../../src/generator/model/normalize-v2.js';
import { parseAnySpecText } from '../../src/generator/spec/load-any.js';
import type { AppSpecV2 } from '../../src/generator/spec/types-v2.js';
import { allTargets } from '../../src/generator/targets/index.js';
import { repoRoot } from './helpers.js';
import { dockerCompose, envFrom } from './v2-helpers.js';

export interface ImportCase extends Imported {
  source: string;
  /** The comment block above `version: 2`. */
  header: string;
  generated: Generated;
  errors: string[];
}

export function importFixture(app: string, repository: string): ImportCase {
  const file = join(repoRoot, 'test/fixtures/compose', `${app}.yml`);
  const source = readFileSync(file, 'utf8');
  const imported = importCompose(source, file, { repository });
  const parsed = parseAnySpecText(imported.text);
  assert.ok(parsed.ok, `${app}: ${JSON.stringify(parsed.ok ? [] : parsed.errors)}`);
  assert.equal(parsed.version, 2);
  // The text on disk is the spec the importer built (the header is only comments).
  assert.deepEqual(parsed.spec, JSON.parse(JSON.stringify(imported.spec)) as AppSpecV2);
  const model = normalizeV2(parsed.spec, { specPath: 'spec.yaml', source: parsed.source });
  const generated = generate(model, allTargets);
  return {
    ...imported,
    source,
    header: imported.text.slice(0, imported.text.indexOf('\nversion: 2')),
    generated,
    errors: generated.errors.map(formatError),
  };
}

/** The header lists every remaining target error, so nothing fails silently. */
export function assertErrorsReported(c: ImportCase): void {
  const flat = c.header.replace(/\n#\s+/g, ' ');
  for (const e of c.errors) assert.ok(flat.includes(e), `not in the header: ${e}`);
}

/** The compose target's file, with `.env` filled from its `.env.example`, through `docker compose config`. */
export function composeConfig(c: ImportCase): { services: Record<string, Record<string, unknown>> } {
  const file = c.generated.files.find((f) => /^templates\/compose\/[^/]+\/docker-compose\.yml$/.test(f.path));
  assert.ok(file && typeof file.content === 'string', 'the compose target writes docker-compose.yml');
  const example = c.generated.files.find((f) => f.path === `${dirname(file.path)}/.env.example`);
  const dir = mkdtempSync(join(tmpdir(), 'paasport-import-'));
  try {
    writeFileSync(join(dir, 'docker-compose.yml'), file.content);
    const env = envFrom(typeof example?.content === 'string' ? example.content : '');
    writeFileSync(
      join(dir, '.env'),
      Object.entries(env)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    const out = dockerCompose(['-f', 'docker-compose.yml', 'config', '--format', 'json'], dir);
    assert.equal(out.status, 0, out.stderr);
    return JSON.parse(out.stdout) as { services: Record<string, Record<string, unknown>> };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `# Source: <url> (commit <sha>...)` on the first line of a fixture. */
export function assertSourceLine(source: string): void {
  assert.match(
    source.split('\n')[0] ?? '',
    /^# Source: https:\/\/github\.com\/\S+\/blob\/[0-9a-f]{40}\/\S+ \(commit [0-9a-f]{40}/,
  );
}
