// The k8s target on every fixture app: goldens; the kustomization lists every manifest and the route
// components; secrets.env is never written (only its example, with no values); `kubectl kustomize` builds
// the tree with either route, and every object validates against the Kubernetes or Gateway API schema, no
// container repeats an env name, every key reference resolves, and the release Job and all it reads carry
// the phase label the documented apply order selects.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { phaseLabel } from '../../src/generator/targets/k8s/app.js';
import { k8sTarget } from '../../src/generator/targets/k8s/index.js';
import { writeTree } from './helpers.js';
import {
  appOf,
  assertKeyRefsResolve,
  assertUniqueEnv,
  generateKube,
  type KubeObject,
  kubeCases,
  parseObjects,
  podSpecs,
  pool,
  run,
  validateObject,
} from './kubernetes-helpers.js';
import { assertGolden } from './rules/app-fixtures.js';

const work = mkdtempSync(join(tmpdir(), 'paasport-k8s-'));
after(() => rmSync(work, { recursive: true, force: true }));

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

function filesUnder(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((n) => {
    const full = join(dir, n);
    return statSync(full).isDirectory() ? filesUnder(root, full) : [relative(root, full)];
  });
}

/** `kubectl kustomize`, or (without kubectl) the listed files read directly, generators left out. */
async function build(dir: string): Promise<KubeObject[]> {
  if (kubectl) {
    const out = await run('kubectl', ['kustomize', dir], dir);
    assert.equal(out.code, 0, out.stderr);
    return parseObjects(out.stdout);
  }
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'));
  const listed = [
    ...k.resources,
    ...(k.components ?? []).flatMap((c: string) =>
      parse(readFileSync(join(dir, c, 'kustomization.yaml'), 'utf8')).resources.map(
        (r: string) => `${c}/${r}`,
      ),
    ),
  ];
  return listed.flatMap((f: string) => parseObjects(readFileSync(join(dir, f), 'utf8')));
}

describe('k8s target', () => {
  for (const c of kubeCases.filter((x) => x.v2)) {
    it(`${c.name}: goldens`, () => assertGolden('k8s', c.name, generateKube(c, k8sTarget)));
  }

  it(`every fixture: the kustomization lists every file and builds; objects validate (${kubectl ? 'kubectl kustomize' : 'no kubectl: listed files parsed directly'})`, async () => {
    const started = Date.now();
    let objects = 0;
    await pool(kubeCases, 3, async (c) => {
      const g = generateKube(c, k8sTarget);
      assert.deepEqual(g.errors, [], `${c.name} has no errors`);
      const app = appOf(c);
      const dir = join(work, c.name, 'templates/k8s', app.name);
      writeTree(g.files, join(work, c.name));
      const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'));
      const components: string[] = k.components ?? [];
      const listed = new Set<string>([
        'kustomization.yaml',
        'README.md',
        ...k.resources,
        ...(k.configMapGenerator ?? []).flatMap((x: { envs: string[] }) => x.envs),
        ...(k.secretGenerator ? ['secrets.env.example', '.gitignore'] : []),
      ]);
      for (const comp of ['route-httproute', 'route-ingress'].filter((x) => existsSync(join(dir, x)))) {
        const ck = parse(readFileSync(join(dir, comp, 'kustomization.yaml'), 'utf8'));
        assert.equal(ck.kind, 'Component');
        listed.add(`${comp}/kustomization.yaml`);
        for (const r of ck.resources) listed.add(`${comp}/${r}`);
      }
      assert.deepEqual(
        filesUnder(dir).filter((f) => !listed.has(f)),
        [],
        `${c.name}: every file is listed`,
      );
      // secrets.env is the operator's: only the example is written, with no value on any line.
      assert.ok(!existsSync(join(dir, 'secrets.env')), 'secrets.env is not generated');
      if (k.secretGenerator) {
        const example = readFileSync(join(dir, 'secrets.env.example'), 'utf8');
        const lines = example.split('\n').filter((l) => /^[a-z]/.test(l));
        assert.ok(
          lines.length > 0 && lines.every((l) => l.endsWith('=')),
          `${c.name}: no secret value in the example`,
        );
        writeFileSync(
          join(dir, 'secrets.env'),
          lines.map((l) => `${l}0123456789abcdef0123456789abcdef`).join('\n'),
        );
      }
      for (const route of components.length > 0 ? ['route-httproute', 'route-ingress'] : [undefined]) {
        if (route) {
          writeFileSync(
            join(dir, 'kustomization.yaml'),
            readFileSync(join(dir, 'kustomization.yaml'), 'utf8').replace(
              /- route-(httproute|ingress)$/m,
              `- ${route}`,
            ),
          );
        }
        const built = await build(dir);
        objects += built.length;
        for (const o of built) {
          await validateObject(o);
          assertUniqueEnv(o);
        }
        if (route)
          assert.ok(
            built.some((o) => o.kind === (route === 'route-httproute' ? 'HTTPRoute' : 'Ingress')),
            `${c.name}: ${route}`,
          );
        if (!kubectl) continue;
        assertKeyRefsResolve(built);
        const release = app.workloads.find((w) => w.role === 'release');
        if (release) {
          // The documented first step applies the objects labelled prepare: the Job and all it reads.
          const job = built.find((o) => o.kind === 'Job');
          assert.equal(job?.metadata.labels?.[phaseLabel], 'prepare');
          for (const pod of podSpecs(job as KubeObject)) {
            for (const ctr of [...(pod.initContainers ?? []), ...pod.containers]) {
              for (const e of ctr.env ?? []) {
                const ref = e.valueFrom?.configMapKeyRef ?? e.valueFrom?.secretKeyRef;
                if (!ref) continue;
                const target = built.find((o) => o.metadata.name === ref.name);
                assert.equal(
                  target?.metadata.labels?.[phaseLabel],
                  'prepare',
                  `${ref.name} is applied with the Job`,
                );
              }
            }
          }
        }
      }
    });
    console.log(
      `k8s: ${kubeCases.length} fixtures, ${objects} objects validated, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });
});
