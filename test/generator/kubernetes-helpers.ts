// Shared checks of the helm and k8s targets: every fixture app (v1 cases and every v2/Score fixture), schema
// validation of rendered objects with kubernetes-models and @kubernetes-models/gateway-api, duplicate env
// names, and running the real helm binary (.tools/bin/helm) from a bounded pool.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadAnyFile } from '../../src/generator/cli/load-spec.js';
import { type Generated, generate } from '../../src/generator/generate.js';
import { type App, type Input, isApp } from '../../src/generator/model/app.js';
import type { AppModel } from '../../src/generator/model/app-model.js';
import { appFromV1 } from '../../src/generator/targets/shared/v1-app.js';
import type { Target } from '../../src/generator/targets/target.js';
import { cases, repoRoot } from './helpers.js';
import { appCases } from './rules/app-fixtures.js';

export interface KubeCase {
  name: string;
  spec: string;
  /** A version 2 or Score fixture whose goldens these tests keep (v1 cases: golden.test.ts). */
  v2: boolean;
}

export const kubeCases: KubeCase[] = [
  ...cases.map((c) => ({ name: c.name, spec: c.spec, v2: false })),
  ...appCases.map((c) => ({ ...c, v2: true })),
  // The repository's own spec; its goldens are kept by v2-golden.test.ts for every target.
  { name: 'paasport', spec: 'templates/specs/paasport.yaml', v2: false },
];

/** The v2 app of a case, as the Kubernetes targets read it. */
export function appOf(c: KubeCase): App {
  const model = loadAny(c.spec);
  return isApp(model) ? model : appFromV1(model);
}

const loadedSpecs = new Map<string, App | AppModel>();

/** A spec of either version (the repository's own spec may be version 1 or 2), loaded once per run. */
function loadAny(spec: string): App | AppModel {
  const cached = loadedSpecs.get(spec);
  if (cached) return cached;
  const loaded = loadAnyFile(join(repoRoot, spec), repoRoot);
  if (!loaded.ok) throw new Error(`${spec}: ${JSON.stringify(loaded.errors)}`);
  loadedSpecs.set(spec, loaded.model);
  return loaded.model;
}

export function generateKube(c: KubeCase, target: Target): Generated {
  return generate(loadAny(c.spec), [target]);
}

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered objects are read field by field after schema validation
  spec?: any;
  [k: string]: unknown;
};

/** Every object of a multi-document YAML stream (empty documents, as Helm leaves them, are skipped). */
export function parseObjects(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((d) => {
      assert.equal(d.errors.length, 0, d.errors.map((e) => e.message).join('\n'));
      return d.toJS() as KubeObject | null;
    })
    .filter((o): o is KubeObject => o !== null);
}

const modules: Record<string, string> = {
  'gateway.networking.k8s.io/v1': '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1',
};

/** Validates one object against its Kubernetes (or Gateway API) schema; an unknown kind fails. */
export async function validateObject(o: KubeObject): Promise<void> {
  const path = modules[o.apiVersion] ?? `kubernetes-models/${o.apiVersion}`;
  const mod = (await import(path)) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = mod[o.kind];
  assert.ok(Model, `no schema for ${o.apiVersion} ${o.kind}`);
  try {
    new Model(o).validate();
  } catch (e) {
    throw new Error(`${o.kind} ${o.metadata?.name}: ${(e as Error).message}`);
  }
}

/** Pod specs of a workload object (Deployment, StatefulSet, Job). */
// biome-ignore lint/suspicious/noExplicitAny: pod specs of validated objects
export function podSpecs(o: KubeObject): any[] {
  return o.spec?.template?.spec ? [o.spec.template.spec] : [];
}

/** Helm 4 refuses a container with the same env name twice; so must our manifests. */
export function assertUniqueEnv(o: KubeObject): void {
  for (const pod of podSpecs(o)) {
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      const names = (c.env ?? []).map((e: { name: string }) => e.name);
      assert.deepEqual(
        names.filter((n: string, i: number) => names.indexOf(n) !== i),
        [],
        `${o.kind} ${o.metadata.name} container ${c.name}`,
      );
    }
  }
}

export const helmBin = join(repoRoot, '.tools/bin/helm');
export const helmMissing = existsSync(helmBin)
  ? false
  : `helm is missing at ${helmBin}; run bash scripts/tools.sh`;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, HELM_CACHE_HOME: join(cwd, '.cache'), HELM_CONFIG_HOME: join(cwd, '.config') },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Runs the jobs with at most `limit` at a time (the machine is shared). */
export async function pool<T, R>(
  items: readonly T[],
  limit: number,
  job: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await job(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A value an installer could give: the first sample that matches the input's pattern. */
export function sampleInput(i: Input): string {
  const samples = ['ops@example.com', 'https://id.example.com/x', '587', 'Europe/Berlin', 'example'];
  if (!i.pattern) return i.default ?? 'example';
  const re = new RegExp(i.pattern);
  const found = [i.default, ...samples].find((s) => s !== undefined && re.test(s));
  assert.ok(found, `no sample value for input ${i.id} /${i.pattern}/`);
  return found;
}

export function requiredInputs(app: App): Record<string, string> {
  return Object.fromEntries(
    app.inputs.filter((i) => i.required && i.default === undefined).map((i) => [i.id, sampleInput(i)]),
  );
}

/** Every configMapKeyRef and secretKeyRef of the pods names an object of the stream and a key it has. */
export function assertKeyRefsResolve(objects: KubeObject[]): number {
  let refs = 0;
  const data = (kind: string, name: string) => {
    const o = objects.find((x) => x.kind === kind && x.metadata.name === name) as
      | { data?: Record<string, string> }
      | undefined;
    return o ? Object.keys(o.data ?? {}) : undefined;
  };
  for (const o of objects) {
    for (const pod of podSpecs(o)) {
      for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.configMapKeyRef ?? e.valueFrom?.secretKeyRef;
          if (!ref) continue;
          refs++;
          const kind = e.valueFrom.configMapKeyRef ? 'ConfigMap' : 'Secret';
          const keys = data(kind, ref.name);
          assert.ok(keys, `${o.kind} ${o.metadata.name}: ${kind} ${ref.name} is not rendered`);
          assert.ok(
            keys.includes(ref.key),
            `${o.kind} ${o.metadata.name}: ${kind} ${ref.name} has no key ${ref.key}`,
          );
        }
      }
    }
  }
  return refs;
}
