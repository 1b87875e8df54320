// Compose-like outputs checked as written (version 2 corpus, and the version 1 compose files with the real tool): the Compose Spec schema on every
// compose-like file, the real `docker compose config` on the compose file with an `.env` made from its
// `.env.example`, and `docker stack config` on the Swarm stack; both must refuse to run without the `.env`.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { composeTarget } from '../../src/generator/targets/compose/index.js';
import { swarmTarget } from '../../src/generator/targets/swarm/index.js';
import { cases, generateCase, loadModel, repoRoot, writeTree } from './helpers.js';
import { dockerCompose, dockerStackConfig, envFrom, generateApp, loadApp, v2Cases } from './v2-helpers.js';

const composeSchema = new Ajv2020({ strict: false, allErrors: true }).compile(
  JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/schemas/compose-spec.schema.json'), 'utf8')),
);

function assertSchema(text: string, label: string) {
  assert.ok(composeSchema(parse(text)), `${label}: ${JSON.stringify(composeSchema.errors)}`);
}

describe('compose (spec version 2)', () => {
  for (const c of v2Cases) {
    it(`${c.name}: passes the Compose schema and docker compose config`, () => {
      const app = loadApp(c.spec);
      const { files, errors } = generateApp(c.spec, [composeTarget]);
      assert.deepEqual(errors, []);
      const dir = writeTree(files);
      try {
        const base = join(dir, 'templates/compose', app.name);
        assertSchema(readFileSync(join(base, 'docker-compose.yml'), 'utf8'), 'compose');
        const missing = dockerCompose(['-f', 'docker-compose.yml', 'config', '-q'], base);
        const env = envFrom(readFileSync(join(base, '.env.example'), 'utf8'));
        if (Object.keys(env).length > 0) assert.notEqual(missing.status, 0, 'runs only with its .env');
        writeFileSync(
          join(base, '.env'),
          Object.entries(env)
            .map(([k, v]) => `${k}=${v}\n`)
            .join(''),
        );
        const config = dockerCompose(['-f', 'docker-compose.yml', 'config', '--format', 'json'], base);
        assert.equal(config.status, 0, config.stderr);
        const resolved = JSON.parse(config.stdout) as {
          services: Record<string, { environment?: Record<string, string> }>;
        };
        assert.deepEqual(
          Object.keys(resolved.services).sort(),
          Object.keys(parse(readFileSync(join(base, 'docker-compose.yml'), 'utf8')).services).sort(),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('swarm (spec version 2)', () => {
  for (const c of v2Cases) {
    it(`${c.name}: passes the Compose schema and docker stack config, or says why it cannot`, () => {
      const app = loadApp(c.spec);
      const { files, errors } = generateApp(c.spec, [swarmTarget]);
      if (errors.length > 0) {
        // Only a build-only image may stop Swarm: it pulls and cannot build.
        assert.ok(
          errors.every((e) => /cannot build/.test(e.message)),
          JSON.stringify(errors),
        );
        return;
      }
      const dir = writeTree(files);
      try {
        const stack = join(dir, 'templates/swarm', `${app.name}.stack.yml`);
        assertSchema(readFileSync(stack, 'utf8'), 'stack');
        const env = envFrom(readFileSync(join(dir, 'templates/swarm', `${app.name}.env.example`), 'utf8'));
        const config = dockerStackConfig(stack, env);
        assert.equal(config.status, 0, config.stderr);
        if (Object.keys(env).length > 0)
          assert.notEqual(dockerStackConfig(stack, {}).status, 0, 'needs its env');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('compose (spec version 1)', () => {
  for (const c of cases) {
    it(`${c.name}: docker compose config accepts the file as written`, () => {
      const model = loadModel(c.spec);
      const { files } = generateCase(c.spec, [composeTarget]);
      const dir = writeTree(files);
      try {
        const base = join(dir, 'templates/compose', model.name);
        const env = envFrom(readFileSync(join(base, '.env.example'), 'utf8'));
        writeFileSync(
          join(base, '.env'),
          Object.entries(env)
            .map(([k, v]) => `${k}=${v}\n`)
            .join(''),
        );
        const config = dockerCompose(['-f', 'docker-compose.yml', 'config', '-q'], base);
        assert.equal(config.status, 0, config.stderr);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
