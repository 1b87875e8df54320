// The helm target on every fixture app: goldens, then the real helm binary (`helm lint --strict`, `helm
// template`) with default values and with non-default ones (external services, Ingress, 3 replicas); every
// rendered object validates against the Kubernetes or Gateway API schema, no container repeats an env name,
// every key reference resolves, the release Job is a pre-install/pre-upgrade hook, and no secret is in a file.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { generate } from '../../src/generator/generate.js';
import { helmTarget } from '../../src/generator/targets/helm/index.js';
import { k8sTarget } from '../../src/generator/targets/k8s/index.js';
import { writeTree } from './helpers.js';
import {
  appOf,
  assertKeyRefsResolve,
  assertUniqueEnv,
  generateKube,
  helmBin,
  helmMissing,
  type KubeCase,
  type KubeObject,
  kubeCases,
  parseObjects,
  pool,
  requiredInputs,
  run,
  validateObject,
} from './kubernetes-helpers.js';
import { appFromText, assertGolden } from './rules/app-fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: values are read and edited as free-form chart data
type Values = Record<string, any>;

const work = mkdtempSync(join(tmpdir(), 'paasport-helm-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** What an installer must give: the host, required inputs, public S3 endpoints. */
function installValues(c: KubeCase, defaults: Values): Values {
  const resources = Object.fromEntries(
    Object.entries(defaults.resources as Values)
      .filter(([, r]) => 'publicEndpoint' in r)
      .map(([id]) => [id, { publicEndpoint: `https://${id}.example.com` }]),
  );
  // A workload with only a build: the operator pushes the image and names it.
  const workloads = Object.fromEntries(
    Object.entries(defaults.workloads as Values)
      .filter(([, w]) => w.image.repository === '')
      .map(([name]) => [name, { image: { repository: `registry.example.com/${name}`, tag: '1.0.0' } }]),
  );
  return { host: `${c.name}.example.com`, inputs: requiredInputs(appOf(c)), resources, workloads };
}

/** External services for every bundled one, an Ingress, and 3 replicas of every scalable workload. */
function customValues(base: Values, defaults: Values): Values {
  const resources: Values = {};
  for (const [id, r] of Object.entries(defaults.resources as Values)) {
    if (!('enabled' in r)) continue;
    const external = Object.fromEntries(
      Object.entries(r.external as Values).map(([k, v]) => [
        k,
        v !== ''
          ? v
          : k === 'host'
            ? `${id}.example.internal`
            : k === 'endpoint'
              ? 'https://s3.example.internal'
              : `${k}-${id}-given`,
      ]),
    );
    resources[id] = { ...base.resources[id], enabled: false, external };
  }
  const workloads = Object.fromEntries(
    Object.entries(defaults.workloads as Values)
      .filter(([, w]) => 'replicas' in w)
      .map(([name]) => [name, { ...base.workloads[name], replicas: 3 }]),
  );
  return {
    ...base,
    resources: { ...base.resources, ...resources },
    workloads: { ...base.workloads, ...workloads },
    route: { kind: 'Ingress' },
  };
}

interface Rendered {
  objects: KubeObject[];
  refs: number;
}

async function helmCheck(chart: string, name: string, values: Values): Promise<Rendered> {
  const file = join(work, `${name}.values.json`);
  writeFileSync(file, JSON.stringify(values));
  const lint = await run(helmBin, ['lint', '--strict', chart, '-f', file], work);
  assert.equal(lint.code, 0, `helm lint ${name}\n${lint.stdout}${lint.stderr}`);
  const out = await run(helmBin, ['template', 'rel', chart, '-f', file], work);
  assert.equal(out.code, 0, `helm template ${name}\n${out.stderr}`);
  const objects = parseObjects(out.stdout);
  for (const o of objects) {
    await validateObject(o);
    assertUniqueEnv(o);
  }
  return { objects, refs: assertKeyRefsResolve(objects) };
}

function releaseJob(c: KubeCase, objects: KubeObject[]): KubeObject | undefined {
  const release = appOf(c).workloads.find((w) => w.role === 'release');
  if (!release) return undefined;
  const job = objects.find((o) => o.kind === 'Job' && o.metadata.name === `rel-${release.name}`);
  assert.ok(job, `${c.name}: the release Job is rendered`);
  return job;
}

describe('helm target', () => {
  for (const c of kubeCases.filter((x) => x.v2)) {
    it(`${c.name}: goldens`, () => assertGolden('helm', c.name, generateKube(c, helmTarget)));
  }

  it('a spec env name equal to a helper variable is an error on both targets, never a duplicate', () => {
    // GIVEN an app whose own env takes the name of the variable a composed URL reads
    const app = appFromText(`version: 2
name: clash
description: Env names.
workloads:
  web:
    image: ghcr.io/acme/clash:1.0.0
    ports: { http: 3000 }
    env:
      DATABASE_URL: \${resources.db.url}
      REF_RESOURCE_DB_HOST: db.example.com
resources:
  db: { type: postgres, version: 16-alpine }
`);
    for (const target of [helmTarget, k8sTarget]) {
      // WHEN it is generated THEN the target refuses, naming the variable
      const g = generate(app, [target]);
      assert.deepEqual(
        g.errors.map((e) => e.feature),
        ['workloads.web.env.REF_RESOURCE_DB_HOST'],
        target.name,
      );
    }
  });

  it('every fixture: helm lint --strict and helm template, default and non-default values', {
    skip: helmMissing,
    timeout: 240_000,
  }, async () => {
    const started = Date.now();
    const jobs = kubeCases.flatMap((c) => {
      const g = generateKube(c, helmTarget);
      assert.deepEqual(g.errors, [], `${c.name} has no errors`);
      const root = join(work, c.name);
      writeTree(g.files, root);
      const chart = join(root, 'templates/helm', appOf(c).name);
      const defaults = parse(readFileSync(join(chart, 'values.yaml'), 'utf8')) as Values;
      const base = installValues(c, defaults);
      return [
        { c, chart, kind: 'default' as const, values: base },
        { c, chart, kind: 'custom' as const, values: customValues(base, defaults) },
      ];
    });
    const results = await pool(jobs, 3, async (j) => ({
      ...j,
      ...(await helmCheck(j.chart, `${j.c.name}-${j.kind}`, j.values)),
    }));
    let objects = 0;
    let refs = 0;
    for (const r of results) {
      objects += r.objects.length;
      refs += r.refs;
      const app = appOf(r.c);
      const kinds = r.objects.map((o) => o.kind);
      const web = app.workloads.find((w) => w.role === 'web' && w.ports.some((p) => p.http && p.public));
      if (web) {
        assert.ok(
          kinds.includes(r.kind === 'default' ? 'HTTPRoute' : 'Ingress'),
          `${r.c.name} ${r.kind}: route`,
        );
        assert.ok(
          !kinds.includes(r.kind === 'default' ? 'Ingress' : 'HTTPRoute'),
          `${r.c.name} ${r.kind}: one route kind`,
        );
      }
      const job = releaseJob(r.c, r.objects);
      if (job) {
        const hook = job.metadata.annotations?.['helm.sh/hook'];
        // With every service external the release step runs before install too; a bundled service it
        // needs only exists after the install, so then it runs right after it (and before every upgrade).
        const waits = (job.spec.template.spec.initContainers ?? []).some(
          (i: { name: string }) => i.name === 'wait-for-services',
        );
        assert.equal(
          hook,
          r.kind === 'custom' || !waits ? 'pre-install,pre-upgrade' : 'post-install,pre-upgrade',
          `${r.c.name} ${r.kind}`,
        );
        for (const name of ['settings', 'secrets']) {
          const o = r.objects.find((x) => x.metadata.name === `rel-${name}`);
          assert.equal(
            o?.metadata.annotations?.['helm.sh/hook-weight'],
            '-10',
            `${name} is created before the release Job`,
          );
        }
      }
      for (const d of r.objects.filter((o) => o.kind === 'Deployment')) {
        const pod = d.spec.template.spec;
        if (r.kind === 'custom') assert.equal(d.spec.replicas, 3, `${d.metadata.name} replicas`);
        if (pod.containers[0].ports) {
          assert.ok(pod.containers[0].lifecycle?.preStop?.sleep?.seconds > 0, `${d.metadata.name} preStop`);
          assert.ok(pod.terminationGracePeriodSeconds > pod.containers[0].lifecycle.preStop.sleep.seconds);
        }
      }
      if (r.kind === 'custom') {
        assert.ok(
          !kinds.includes('StatefulSet') || app.resources.some((x) => x.type === 'volume'),
          `${r.c.name}: no bundled services`,
        );
        for (const d of r.objects.filter((o) => o.kind === 'Deployment')) {
          const pdb = r.objects.find(
            (o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === d.metadata.name,
          );
          assert.ok(pdb, `${d.metadata.name} has a PodDisruptionBudget at 3 replicas`);
        }
      }
      for (const w of app.workloads.filter((x) => x.sessionAffinity)) {
        const svc = r.objects.find((o) => o.kind === 'Service' && o.metadata.name === `rel-${w.name}`);
        assert.equal(svc?.spec.sessionAffinity, 'ClientIP', `${w.name} sticky sessions`);
      }
      // Secrets are generated at install: none of their values is written in the chart.
      const chartText =
        readFileSync(join(r.chart, 'templates/secrets.yaml'), 'utf8') +
        readFileSync(join(r.chart, 'values.yaml'), 'utf8');
      const secret = r.objects.find((o) => o.kind === 'Secret') as
        | { data?: Record<string, string> }
        | undefined;
      for (const v of Object.values(secret?.data ?? {})) {
        const plain = Buffer.from(v, 'base64').toString();
        if (plain.length >= 16)
          assert.ok(!chartText.includes(plain), 'a generated secret is not in the chart');
      }
    }
    console.log(
      `helm: ${kubeCases.length} fixtures, ${results.length} value sets, ${objects} objects validated, ${refs} key references resolved, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });
});
