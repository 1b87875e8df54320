// CapRover (and captain-definition) on the v2 model: every v2 fixture against the goldens, our CapRover
// rules, prettier and CapRover's substitution; regression tests for the trial's CapRover defects and for
// each feature's mapping (workers, release step, inputs, secrets, ports, files, probes, cluster).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
// prettier 2 ships no type declarations; only `check` is used.
// @ts-expect-error untyped module
import prettierModule from 'prettier';
import { parse, stringify } from 'yaml';
import { runGeneratorCli } from '../../src/generator/cli.js';
import { caproverTarget } from '../../src/generator/targets/caprover/index.js';
import { captainDefinitionTarget } from '../../src/generator/targets/captain-definition/index.js';
import { writeTree } from './helpers.js';
import {
  appCases,
  appFromText,
  assertFeature,
  assertGolden,
  features,
  fixtureText,
  generateApp,
  loadApp,
  type SpecTree,
} from './rules/app-fixtures.js';
import { checkOneClickApp, simulateDeploy } from './rules/caprover-rules.js';

const prettier = prettierModule as { check(text: string, options: object): boolean };
const prettierRc = {
  parser: 'yaml',
  trailingComma: 'es5',
  tabWidth: 4,
  semi: false,
  arrowParens: 'always',
  bracketSpacing: true,
  singleQuote: true,
};

interface Variable {
  id: string;
  label: string;
  defaultValue?: string;
  validRegex?: string;
}
interface Doc {
  services: Record<string, Record<string, unknown>>;
  caproverOneClickApp: { variables: Variable[]; instructions: { start: string; end: string } };
}
type Deployed = {
  services: Record<
    string,
    { environment?: Record<string, string>; caproverExtra?: { dockerfileLines?: string[] } }
  >;
};

/** CapRover's substitution with every default, app name `myapp`. */
function deploy(doc: Doc): Deployed {
  return simulateDeploy(
    doc as unknown as Record<string, unknown>,
    doc.caproverOneClickApp.variables,
  ) as unknown as Deployed;
}

/** A fixture with one change, as the CapRover result. */
function variant(fixture: string, change: (spec: SpecTree) => void) {
  const spec = parse(fixtureText(fixture));
  change(spec);
  return generateApp(appFromText(stringify(spec)), [caproverTarget]);
}

function template(g: ReturnType<typeof variant>, name: string): Doc {
  const file = g.files.find((f) => f.path === `one-click-apps/public/v4/apps/${name}.yml`);
  assert.ok(file, `no template ${name} (errors: ${JSON.stringify(g.errors)})`);
  return parse(file.content as string) as Doc;
}

describe('caprover v2: fixture apps', () => {
  for (const c of appCases) {
    it(`${c.name}: goldens, CapRover rules, prettier, substitution`, () => {
      const g = generateApp(loadApp(c.spec), [caproverTarget]);
      assertGolden('caprover', c.name, g);
      assertGolden('captain-definition', c.name, generateApp(loadApp(c.spec), [captainDefinitionTarget]));
      // A target that reports an error writes nothing; the golden report says why.
      const written = g.errors.length > 0 ? [] : g.files;
      const logos = written
        .filter((f) => f.path.includes('/public/v4/logos/'))
        .map((f) => f.path.split('/').pop()!);
      for (const f of written.filter((x) => x.path.includes('/public/v4/apps/'))) {
        const fileName = f.path.split('/').pop()!;
        const text = f.content as string;
        const findings = checkOneClickApp({ fileName, text, logos, cluster: fileName.includes('-cluster') });
        assert.deepEqual(findings, [], fileName);
        assert.ok(prettier.check(text, prettierRc), `${fileName} is prettier-formatted`);
        const doc = parse(text);
        const json = g.files.find(
          (x) => x.path === `one-click-apps/repository/v4/apps/${fileName.slice(0, -4)}`,
        );
        assert.deepEqual(JSON.parse(json!.content as string), doc, 'repository copy equals the template');
        simulateDeploy(doc, doc.caproverOneClickApp.variables);
      }
    });
  }
});

describe('caprover v2: trial defects', () => {
  it('stopGracePeriod is reported and given as a Service Update Override, never dropped', () => {
    const g = variant('v2-relay-jobs', () => {});
    assertFeature(g, 'warnings', 'caprover: workloads.web.stopGracePeriod');
    const end = template(g, 'relay').caproverOneClickApp.instructions.end as string;
    assert.match(end, /\*\*\$\$cap_appname\*\* > App Configs > Service Update Override/);
    assert.match(end, /StopGracePeriod: 30000000000/);
    assert.match(end, /\*\*\$\$cap_appname-worker\*\*[^\n]*Override[\s\S]*StopGracePeriod: 25000000000/);
  });

  it('a Redis Stack image gets its settings through REDIS_ARGS, stock Redis through its command', () => {
    const doc = template(
      generateApp(loadApp('test/fixtures/specs/v2-media-ports.yaml'), [caproverTarget]),
      'media',
    );
    const stack = doc.services['$$cap_appname-cache']!;
    assert.equal(stack.command, undefined, 'no command: it would bypass the module-loading entrypoint');
    assert.equal(
      (stack.environment as Record<string, string>).REDIS_ARGS,
      '--appendonly yes --requirepass $$cap_cache_password --maxmemory 256mb',
    );
    const relay = template(
      variant('v2-relay-jobs', () => {}),
      'relay',
    );
    assert.deepEqual((relay.services['$$cap_appname-jobs']!.command as string[]).slice(0, 1), [
      'redis-server',
    ]);
  });

  it('the URL scheme is chosen per use: postgresql:// by default, postgres:// where the spec asks', () => {
    const g = variant('v2-relay-jobs', (s) => {
      s.workloads.worker.env = {
        LEGACY_URL: { from: 'resources.db.url', scheme: 'postgres' },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a spec placeholder
        PLAIN_URL: '${resources.db.url}',
      };
    });
    const doc = template(g, 'relay');
    const env = (name: string) => doc.services[name]!.environment as Record<string, string>;
    assert.match(env('$$cap_appname').DATABASE_URL!, /^postgresql:\/\//);
    assert.match(env('$$cap_appname-worker').LEGACY_URL!, /^postgres:\/\/relay:/);
    assert.match(env('$$cap_appname-worker').PLAIN_URL!, /^postgresql:\/\/relay:/);
  });

  it('two apps generated into one folder both stay in the repository list', async () => {
    const out = mkdtempSync(join(tmpdir(), 'paasport-list-'));
    const io = { cwd: process.cwd(), stdout: () => {}, stderr: () => {} };
    try {
      const specs = ['test/fixtures/specs/v2-relay-jobs.yaml', 'test/fixtures/specs/postgres-only.yaml'];
      for (const spec of specs)
        assert.equal(await runGeneratorCli(['generate', spec, '-t', 'caprover', '-o', out], io), 0);
      const list = JSON.parse(readFileSync(join(out, 'one-click-apps/repository/v4/list'), 'utf8'));
      assert.deepEqual(
        list.oneClickApps.map((a: { name: string }) => a.name),
        ['notes-api', 'notes-api-cluster', 'relay', 'relay-cluster'],
      );
      for (const spec of specs) {
        assert.equal(
          await runGeneratorCli(['generate', '--check', spec, '-t', 'caprover', '-o', out], io),
          0,
          `${spec} is up to date`,
        );
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('caprover v2: features', () => {
  it('workers and the scheduler are apps without a web server; the web app carries WebSocket support', () => {
    const doc = template(
      variant('v2-relay-jobs', () => {}),
      'relay',
    );
    assert.deepEqual(doc.services['$$cap_appname-worker']!.caproverExtra, { notExposeAsWebApp: 'true' });
    assert.deepEqual(doc.services['$$cap_appname-clock']!.caproverExtra, { notExposeAsWebApp: 'true' });
    assert.deepEqual(doc.services.$$cap_appname!.caproverExtra, {
      containerHttpPort: '3000',
      websocketSupport: 'true',
    });
  });

  it('the release step runs in the web start before the server, with the web command as "$@"', () => {
    const g = variant('v2-relay-jobs', () => {});
    const command = template(g, 'relay').services.$$cap_appname!.command as string[];
    assert.deepEqual(command, [
      '/bin/sh',
      '-c',
      'bundle exec rails db:prepare && exec "$0" "$@"',
      'bundle',
      'exec',
      'puma',
      '-C',
      'config/puma.rb',
    ]);
    assertFeature(g, 'warnings', 'caprover: workloads.release');
  });

  it('a release step that cannot run in the web start is an error, or an instruction when accepted', () => {
    const own = (s: SpecTree) => {
      s.workloads.release.image = 'ghcr.io/acme/relay-migrate:3.2.1';
    };
    const g = variant('v2-relay-jobs', own);
    assert.deepEqual(features(g, 'errors'), ['caprover: workloads.release']);
    assert.match(g.errors[0]!.message, /does not use the web image/);
    const accepted = variant('v2-relay-jobs', (s) => {
      own(s);
      s.targets = { caprover: { accept: ['release'] } };
    });
    assert.deepEqual(accepted.errors, []);
    assert.match(
      template(accepted, 'relay').caproverOneClickApp.instructions.end,
      /Run the release step after every deploy[\s\S]*bundle exec rails db:prepare/,
    );
  });

  it('files with content are written into an image built on the server, values filled in at deploy', () => {
    const g = generateApp(loadApp('test/fixtures/specs/v2-chat-files.yaml'), [caproverTarget]);
    assert.deepEqual(g.errors, []);
    assertFeature(g, 'warnings', 'caprover: workloads.web');
    const doc = template(g, 'chat');
    const web = doc.services.$$cap_appname!;
    assert.equal(web.image, undefined);
    assert.deepEqual(web.depends_on, ['$$cap_appname-cache', '$$cap_appname-db', '$$cap_appname-mq']);
    const lines = (web.caproverExtra as { dockerfileLines: string[] }).dockerfileLines;
    const dockerfile = lines.join('\n');
    assert.match(dockerfile, /^FROM ghcr\.io\/acme\/chat-server:0\.9\.4\n/);
    assert.match(
      dockerfile,
      /\nCOPY --chmod=0644 <<"PAASPORT_FILE_1" \/etc\/chat\/log\.toml\nlevel = "info"\nformat = "json"\nPAASPORT_FILE_1\n/,
    );
    const built = (deploy(doc).services.myapp?.caproverExtra?.dockerfileLines ?? []).join('\n');
    assert.match(built, /url = "postgresql:\/\/chat:f{32}@srv-captain--myapp-db:5432\/chat"/);
    assert.match(built, /secret = "f{64}"/);
  });

  it('installer inputs become variables whose regex CapRover can enforce', () => {
    const doc = template(
      variant('v2-relay-jobs', () => {}),
      'relay',
    );
    const vars = doc.caproverOneClickApp.variables;
    const regex = (id: string) => {
      const m = /^\/(.*)\/([a-z]*)$/s.exec(vars.find((v) => v.id === id)?.validRegex ?? '')!;
      return new RegExp(m[1]!, m[2]);
    };
    const owner = regex('$$cap_RELAY_OWNER_input');
    assert.ok(owner.test('ops@example.com'), 'a matching address');
    assert.ok(!owner.test('not-an-address'), 'the spec pattern is enforced');
    assert.ok(!owner.test(''), 'required');
    assert.ok(!owner.test('a"b@example.com'), 'a quote would break the substitution');
    assert.ok(regex('$$cap_SMTP_HOST_input').test(''), 'optional');
    const web = deploy(doc).services.myapp?.environment ?? {};
    assert.equal(web.SMTP_HOST, 'smtp.example.com');
    assert.match(web.SECRET_KEY_BASE ?? '', /^f{128}$/);
  });

  it('a UUID secret default has the UUID shape after CapRover expands it', () => {
    const doc = template(
      generateApp(loadApp('test/fixtures/specs/v2-media-ports.yaml'), [caproverTarget]),
      'media',
    );
    const v = doc.caproverOneClickApp.variables.find((x) => x.id === '$$cap_INSTANCE_ID_value')!;
    const expanded = (v.defaultValue ?? '').replace(
      /\$\$cap_gen_random_hex\((\d+)\)/g,
      (_: string, n: string) => 'a'.repeat(Number(n)),
    );
    assert.match(expanded, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('public TCP/UDP ports are published, internal ones are not; a port CapRover holds is an error', () => {
    const g = generateApp(loadApp('test/fixtures/specs/v2-media-ports.yaml'), [caproverTarget]);
    assert.deepEqual(template(g, 'media').services.$$cap_appname!.ports, ['50051:50051', '4433:4433']);
    const taken = variant('v2-media-ports', (s) => {
      s.workloads.web.ports.grpc.published = 443;
    });
    assert.deepEqual(features(taken, 'errors'), ['caprover: workloads.web.ports.grpc']);
  });

  it('args without a command keep the image ENTRYPOINT: the app is built FROM the image with the args as CMD', () => {
    const g = variant('v2-relay-jobs', (s) => {
      s.workloads.worker = { args: ['bundle', 'exec', 'sidekiq', '-q', 'a b'] };
    });
    assert.deepEqual(g.errors, []);
    assertFeature(g, 'warnings', 'caprover: workloads.worker');
    const worker = template(g, 'relay').services['$$cap_appname-worker']!;
    assert.equal(worker.image, undefined, 'an image would win over dockerfileLines');
    assert.equal(worker.command, undefined);
    assert.deepEqual((worker.caproverExtra as { dockerfileLines?: string[] }).dockerfileLines, [
      'FROM ghcr.io/acme/relay:$$cap_app_version',
      'CMD ["bundle","exec","sidekiq","-q","a b"]',
    ]);
    assert.match(
      template(g, 'relay-cluster').caproverOneClickApp.instructions.start,
      /registry[\s\S]*push to/,
    );
  });

  it('a volume shared by two apps gets no cluster template, with a warning', () => {
    const g = variant('v2-media-ports', (s) => {
      s.workloads.transcoder.replicas = 1;
      s.workloads.transcoder.volumes = { '/var/lib/media': { volume: 'uploads' } };
    });
    assert.ok(
      g.files.some((f) => f.path.endsWith('/media.yml')),
      'the single-node template',
    );
    assert.ok(!g.files.some((f) => f.path.endsWith('/media-cluster.yml')), 'no cluster template');
    assertFeature(g, 'warnings', 'caprover: caprover.cluster');
    const list = JSON.parse(g.files.find((f) => f.path.endsWith('v4/list'))!.content as string);
    assert.deepEqual(
      list.oneClickApps.map((a: { name: string }) => a.name),
      ['media'],
    );
  });

  it('a generated tree passes the CapRover rules as files on disk', () => {
    const g = variant('v2-relay-jobs', () => {});
    const dir = writeTree(g.files);
    try {
      const text = readFileSync(join(dir, 'one-click-apps/public/v4/apps/relay.yml'), 'utf8');
      assert.deepEqual(checkOneClickApp({ fileName: 'relay.yml', text, logos: ['relay.png'] }), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
