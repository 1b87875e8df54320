// Coolify on the v2 model: every v2 fixture against the goldens, the Compose Spec schema on both files as
// written (nothing stripped) and our Coolify rules; regression tests for the trial's Coolify defect and for
// each feature's mapping (workers, release step, inputs, secrets, files, Redis Stack, public S3).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse, stringify } from 'yaml';
import type { Generated } from '../../src/generator/generate.js';
import { coolifyTarget } from '../../src/generator/targets/coolify/index.js';
import { repoRoot } from './helpers.js';
import {
  appCases,
  appFromText,
  assertFeature,
  assertGolden,
  fixtureText,
  generateApp,
  loadApp,
  type SpecTree,
} from './rules/app-fixtures.js';
import { checkCoolifyTemplate } from './rules/coolify-rules.js';

const composeSchema = new Ajv2020({ strict: false, allErrors: true }).compile(
  JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/schemas/compose-spec.schema.json'), 'utf8')),
);

type Compose = {
  services: Record<string, Record<string, unknown>>;
  configs?: Record<string, { content: string }>;
};

function file(g: Generated, path: string): string {
  const f = g.files.find((x) => x.path === path);
  assert.ok(f, `no ${path} (errors: ${JSON.stringify(g.errors)})`);
  return f.content as string;
}

function variant(fixture: string, change: (spec: SpecTree) => void): Generated {
  const spec = parse(fixtureText(fixture));
  change(spec);
  return generateApp(appFromText(stringify(spec)), [coolifyTarget]);
}

/** Rule errors, except a missing health check on a service the generator said has no probe. */
function ruleErrors(id: string, text: string, template: boolean, g: Generated): string[] {
  const unprobed = g.warnings.filter((w) => w.feature.endsWith('.probes') && /no probe/.test(w.message));
  return checkCoolifyTemplate(id, text, template)
    .filter((f) => f.severity === 'error')
    .filter((f) => !(f.rule === 'S005' && unprobed.length > 0))
    .map((f) => `${f.rule} ${f.message}`);
}

describe('coolify v2: fixture apps', () => {
  for (const c of appCases) {
    it(`${c.name}: goldens, Compose schema as written, Coolify rules`, () => {
      const app = loadApp(c.spec);
      const g = generateApp(app, [coolifyTarget]);
      assertGolden('coolify', c.name, g);
      if (g.errors.length > 0) return;
      for (const f of g.files.filter((x) => x.path.endsWith('.yaml'))) {
        const text = f.content as string;
        assert.ok(composeSchema(parse(text)), `${f.path}: ${JSON.stringify(composeSchema.errors)}`);
        assert.doesNotMatch(text, /exclude_from_hc/, `${f.path} holds no Coolify-only key`);
        assert.deepEqual(ruleErrors(app.name, text, f.path.startsWith('templates/'), g), [], f.path);
      }
    });
  }
});

describe('coolify v2: features', () => {
  it('one-shot jobs use restart "no" (no exclude_from_hc), and the others wait for them to complete', () => {
    const g = generateApp(loadApp('test/fixtures/specs/v2-relay-jobs.yaml'), [coolifyTarget]);
    const doc = parse(file(g, 'templates/coolify/relay.yaml')) as Compose;
    assert.equal(doc.services.release!.restart, 'no');
    assert.equal(doc.services.release!.exclude_from_hc, undefined);
    for (const name of ['relay', 'worker', 'clock']) {
      assert.deepEqual((doc.services[name]!.depends_on as Record<string, unknown>).release, {
        condition: 'service_completed_successfully',
      });
    }
    const media = parse(
      file(
        generateApp(loadApp('test/fixtures/specs/v2-media-ports.yaml'), [coolifyTarget]),
        'templates/coolify/media.yaml',
      ),
    ) as Compose;
    assert.equal(media.services['files-init']!.restart, 'no');
    assert.equal(media.services['files-init']!.exclude_from_hc, undefined);
  });

  it('only the web workload declares a domain; workers get none', () => {
    const doc = parse(
      file(
        generateApp(loadApp('test/fixtures/specs/v2-relay-jobs.yaml'), [coolifyTarget]),
        'templates/coolify/relay.yaml',
      ),
    ) as Compose;
    const env = (s: string) => doc.services[s]!.environment as string[];
    assert.ok(env('relay').includes('SERVICE_URL_RELAY_3000'), env('relay').join(' '));
    assert.ok(!env('worker').some((e) => e.startsWith('SERVICE_URL_')), env('worker').join(' '));
    assert.ok(env('worker').includes('PUBLIC_URL=${SERVICE_URL_RELAY}'), env('worker').join(' '));
  });

  it('inputs are placeholders Coolify shows (required ones block the deploy), secrets are magic variables', () => {
    const doc = parse(
      file(
        generateApp(loadApp('test/fixtures/specs/v2-relay-jobs.yaml'), [coolifyTarget]),
        'templates/coolify/relay.yaml',
      ),
    ) as Compose;
    const env = doc.services.relay!.environment as string[];
    assert.ok(env.includes('RELAY_OWNER=${RELAY_OWNER:?}'), env.join(' '));
    assert.ok(env.includes('SMTP_HOST=${SMTP_HOST:-smtp.example.com}'), env.join(' '));
    assert.ok(env.includes('SECRET_KEY_BASE=${SERVICE_HEX_64_SECRETKEYBASE}'), env.join(' '));
    assert.ok(
      env.some((e) => /^DATABASE_URL=postgresql:\/\/relay:\$\{SERVICE_PASSWORD_DB\}@db:5432\/relay$/.test(e)),
      env.join(' '),
    );
  });

  it('files are compose configs whose placeholders compose fills in; their magic variables are in env', () => {
    const g = generateApp(loadApp('test/fixtures/specs/v2-chat-files.yaml'), [coolifyTarget]);
    const doc = parse(file(g, 'templates/coolify/chat.yaml')) as Compose;
    assert.deepEqual(doc.services.chat!.configs, [
      { source: 'web-etc-chat-log-toml', target: '/etc/chat/log.toml' },
      { source: 'web-etc-chat-server-toml', target: '/etc/chat/server.toml' },
    ]);
    const server = doc.configs!['web-etc-chat-server-toml']!.content;
    assert.match(server, /secret = "\$\{SERVICE_PASSWORD_64_SIGNINGKEY\}"/);
    const env = doc.services.chat!.environment as string[];
    assert.ok(env.includes('PASSWORD_64_SIGNINGKEY=${SERVICE_PASSWORD_64_SIGNINGKEY}'), env.join(' '));
  });

  it('a Redis Stack image takes REDIS_ARGS, not a command that bypasses its entrypoint', () => {
    const doc = parse(
      file(
        generateApp(loadApp('test/fixtures/specs/v2-media-ports.yaml'), [coolifyTarget]),
        'templates/coolify/media.yaml',
      ),
    ) as Compose;
    assert.equal(doc.services.cache!.command, undefined);
    assert.ok(
      (doc.services.cache!.environment as string[]).some((e) =>
        e.startsWith('REDIS_ARGS=--appendonly yes --requirepass ${SERVICE_PASSWORD_CACHE}'),
      ),
    );
  });

  it('a build-only app gets the Git compose file and no template, with a warning', () => {
    const g = generateApp(loadApp('test/fixtures/specs/fastapi-template.yaml'), [coolifyTarget]);
    assert.deepEqual(g.errors, []);
    assertFeature(g, 'warnings', 'coolify: coolify.template');
    const git = parse(file(g, 'docker-compose.coolify.yaml')) as Compose;
    assert.deepEqual(git.services['fastapi-template']!.build, {
      context: './backend',
      dockerfile: 'Dockerfile',
    });
  });

  it('a probe the image cannot run is an error unless accepted', () => {
    const g = variant('v2-relay-jobs', (s) => {
      s.workloads.web.probes.liveness.http.tool = undefined;
    });
    assertFeature(g, 'errors', 'coolify: workloads.web.probe');
  });
});
