// Every emitter called as a pure function on the normalized models of test/fixtures/specs: its files are all
// there, the same on every call whatever the clock, headed by the generated notice, and each feature a
// platform cannot express is reported as a warning. Byte-exact output is the golden tests' job.
import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import { loadSpecFile } from '../../src/generator/cli/load-spec.js';
import type { AppModel } from '../../src/generator/model/app-model.js';
import { generatedNotice } from '../../src/generator/render/text.js';
import { allTargets, targetNamed } from '../../src/generator/targets/index.js';
import type { Target } from '../../src/generator/targets/target.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const FIXTURES = ['minimal', 'postgres-only', 'minio-secrets'];

const loaded = new Map<string, AppModel>();

/** A fresh copy of a fixture's model, so a test that alters it cannot leak into another. */
function model(fixture: string): AppModel {
  let m = loaded.get(fixture);
  if (!m) {
    const result = loadSpecFile(`${ROOT}test/fixtures/specs/${fixture}.yaml`, ROOT);
    if (!result.ok) throw new Error(`${fixture}: ${JSON.stringify(result.errors)}`);
    m = result.model;
    loaded.set(fixture, m);
  }
  return structuredClone(m);
}

function target(name: string): Target {
  const t = targetNamed(name);
  assert.ok(t, `no target ${name}`);
  return t;
}

/** The paths each target must write for a model. */
function expectedPaths(name: string, m: AppModel): string[] {
  const n = m.name;
  switch (name) {
    case 'caprover':
      return [n, `${n}-cluster`]
        .flatMap((app) => [
          `one-click-apps/public/v4/apps/${app}.yml`,
          `one-click-apps/public/v4/logos/${app}.png`,
          `one-click-apps/repository/v4/apps/${app}`,
          `one-click-apps/repository/v4/logos/${app}.png`,
        ])
        .concat('one-click-apps/repository/v4/list');
    case 'captain-definition':
      return ['captain-definition'];
    case 'coolify':
      return [`templates/coolify/${n}.yaml`, 'docker-compose.coolify.yaml'];
    case 'railway':
      return ['.railway/railway.ts', ...(m.app.build ? ['railway.json'] : [])];
    case 'compose':
      return [`templates/compose/${n}/docker-compose.yml`, `templates/compose/${n}/.env.example`];
    case 'swarm':
      return [`templates/swarm/${n}.stack.yml`, `templates/swarm/${n}.env.example`];
    case 'dokploy':
      return ['docker-compose.yml', 'template.toml', 'meta.json', `${n}.png`]
        .map((f) => `blueprints/${n}/${f}`)
        .concat('meta.json');
    case 'portainer':
      return [
        `templates/portainer/${n}/docker-compose.yml`,
        `templates/portainer/${n}/logo.png`,
        ...(m.repository ? ['templates/portainer/templates.json'] : []),
      ];
    case 'render':
      return ['render.yaml'];
    case 'helm':
      return [
        '.helmignore',
        'Chart.yaml',
        'values.yaml',
        'values.schema.json',
        ...['NOTES.txt', 'route.yaml', 'secrets.yaml', 'settings.yaml', `workload-${n}.yaml`]
          .concat(kubeResources(m))
          .map((f) => `templates/${f}`),
      ].map((f) => `templates/helm/${n}/${f}`);
    case 'k8s': {
      const secrets = kubeResources(m).some((f) => f.startsWith('resource-'));
      return [
        'README.md',
        'kustomization.yaml',
        `workload-${n}.yaml`,
        ...['httproute/httproute', 'httproute/kustomization', 'ingress/ingress', 'ingress/kustomization'].map(
          (f) => `route-${f}.yaml`,
        ),
        ...kubeResources(m),
        ...(secrets ? ['.gitignore', 'secrets.env.example', 'settings.env'] : []),
      ].map((f) => `templates/k8s/${n}/${f}`);
    }
    default:
      assert.fail(`no expectation for target ${name}`);
  }
}

/** Kubernetes manifests of a version 1 model's addons and volumes, one file each. */
function kubeResources(m: AppModel): string[] {
  return [
    ...(['postgres', 'redis', 'minio'] as const).filter((a) => m[a]).map((a) => `resource-${a}.yaml`),
    ...(m.app.volumes.length > 0 ? ['data-volumes.yaml'] : []),
  ];
}

/** Files that are JSON or images cannot carry a comment; every other file starts with the notice. */
const headerless = (path: string) =>
  path.endsWith('.png') ||
  path.endsWith('.json') ||
  path.endsWith('captain-definition') ||
  path.includes('/repository/v4/apps/') ||
  path.endsWith('/repository/v4/list');

const features = (t: Target, m: AppModel) => t.emit(m).warnings.map((w) => w.feature);

afterEach(() => mock.timers.reset());

describe('generator targets', () => {
  it('are all covered here', () => {
    assert.deepEqual(allTargets.map((t) => t.name).sort(), [
      'caprover',
      'captain-definition',
      'compose',
      'coolify',
      'dokploy',
      'helm',
      'k8s',
      'portainer',
      'railway',
      'render',
      'swarm',
    ]);
  });

  for (const fixture of FIXTURES) {
    for (const t of allTargets) {
      it(`${t.name} on ${fixture}: every file, relative and once, the same on every call`, () => {
        const m = model(fixture);
        const before = structuredClone(m);
        mock.timers.enable({ apis: ['Date'], now: Date.UTC(2020, 0, 1) });
        const first = t.emit(m);
        mock.timers.tick(400 * 86_400_000);
        const second = t.emit(m);
        assert.deepEqual(second, first, 'output depends on the clock or on chance');
        assert.deepEqual(m, before, 'the model was changed');
        const paths = first.files.map((f) => f.path);
        assert.deepEqual([...paths].sort(), expectedPaths(t.name, m).sort());
        for (const p of paths) assert.match(p, /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[^\\]+$/, p);
        for (const w of first.warnings) {
          // Targets written for version 2 name spec features (`workloads.media-box.env.SECRET_KEY`).
          assert.match(w.feature, /^[a-z]+(\.[a-zA-Z0-9_-]+)+$/);
          assert.ok(w.message.length > 0);
        }
      });

      it(`${t.name} on ${fixture}: text files carry the generated notice, logos are PNG`, () => {
        const m = model(fixture);
        const notice = generatedNotice(m.specPath);
        for (const f of t.emit(m).files) {
          if (f.path.endsWith('.png')) {
            assert.ok(f.content instanceof Uint8Array);
            assert.deepEqual([...f.content.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], f.path);
            continue;
          }
          assert.equal(typeof f.content, 'string', f.path);
          const text = f.content as string;
          if (headerless(f.path)) {
            assert.doesNotThrow(() => JSON.parse(text), f.path);
            continue;
          }
          // Helm templates carry it as a template comment, which Helm leaves out of the rendered objects,
          // and Markdown as an HTML comment, which renderers hide.
          const comments = text
            .split('\n')
            .map((l) => l.replace(/^\{\{-? ?\/\* (.*) \*\/ ?-?\}\}$/, '# $1'))
            .map((l) => l.replace(/^<!-- (.*) -->$/, '# $1'))
            .filter((l) => /^(#|\/\/)/.test(l));
          assert.ok(
            comments.some((l) => l.replace(/^(#|\/\/) /, '') === notice),
            `${f.path} has no generated notice`,
          );
        }
      });
    }
  }

  it('names the specPath in the notice', () => {
    assert.match(generatedNotice('specs/app.yaml'), /from specs\/app\.yaml\. Do not edit/);
    assert.doesNotMatch(generatedNotice('x.yaml'), /:/, 'Coolify would read a colon as a header key');
  });
});

describe('warnings for what a platform cannot express', () => {
  const base = model('postgres-only');
  const withApp = (app: Partial<AppModel['app']>): AppModel => ({ ...base, app: { ...base.app, ...app } });

  it('replicas: compose, Coolify and CapRover warn; Swarm deploys them', () => {
    const scaled = withApp({ replicas: 3 });
    for (const name of ['compose', 'coolify', 'caprover']) {
      assert.ok(!features(target(name), base).includes('app.replicas'), `${name} warns at one replica`);
      assert.ok(features(target(name), scaled).includes('app.replicas'), name);
    }
    const swarm = target('swarm').emit(scaled);
    assert.deepEqual(swarm.warnings, []);
    assert.match(swarm.files[0]!.content as string, /replicas: 3/);
  });

  it('readiness path: Coolify and CapRover warn; Railway health-checks it', () => {
    const ready = withApp({ readinessPath: '/ready' });
    assert.ok(features(target('coolify'), ready).includes('app.readinessPath'));
    assert.ok(features(target('caprover'), ready).includes('app.readinessPath'));
    const railway = target('railway').emit(ready);
    const json = railway.files.find((f) => f.path === 'railway.json');
    assert.equal(JSON.parse(json!.content as string).deploy.healthcheckPath, '/ready');
  });

  it('CapRover: health path always, volumes only for the cluster variant, each warning once', () => {
    const caprover = target('caprover');
    assert.deepEqual(features(caprover, base), ['app.healthPath']);
    const withVolume = withApp({ volumes: [{ name: 'data', path: '/data' }] });
    assert.deepEqual(features(caprover, withVolume), ['app.healthPath', 'app.volumes']);
  });

  it('Coolify: no build means the Git compose pulls the image', () => {
    assert.ok(!features(target('coolify'), base).includes('app.build'));
    const { build: _build, ...app } = base.app;
    assert.ok(features(target('coolify'), { ...base, app }).includes('app.build'));
  });

  it('Railway: its own addons, commands with spaces, GitHub source without a repository', () => {
    const railway = target('railway');
    assert.deepEqual(features(railway, base), ['addons.postgres']);
    assert.deepEqual(features(railway, model('minio-secrets')), ['addons.redis', 'addons.minio']);
    assert.ok(features(railway, withApp({ command: ['sh', '-c', 'node a.js'] })).includes('app.command'));
    const { repository: _repo, ...noRepo } = base;
    const github = { ...noRepo, railway: { ...base.railway, source: 'github' as const } };
    const result = railway.emit(github);
    assert.ok(
      result.warnings.some((w) => w.feature === 'targets.railway.source' && /repository/.test(w.message)),
    );
  });

  it('captain-definition and Swarm express every feature of the fixtures', () => {
    for (const fixture of FIXTURES) {
      assert.deepEqual(target('captain-definition').emit(model(fixture)).warnings, []);
      assert.deepEqual(target('swarm').emit(model(fixture)).warnings, []);
    }
  });
});
