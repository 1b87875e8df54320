// Railway on the v2 model: every v2 fixture against the goldens; `.railway/railway.ts` type-checked against
// the `railway` package, then evaluated and its graph (built as the Railway CLI builds it) checked with the
// package's validateGraph and for references to services that exist; railway.json against Railway's schema.
// Regression tests for the trial's Railway defects (start commands split on spaces, several volumes).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { createRailwayContext, type ProjectDefinition, type RailwayGraph, validateGraph } from 'railway/iac';
import { parse, stringify } from 'yaml';
import type { Generated } from '../../src/generator/generate.js';
import { railwayTarget } from '../../src/generator/targets/railway/index.js';
import { splitWords } from '../../src/generator/targets/railway/shell.js';
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

const railwaySchema = new Ajv({ allErrors: true }).compile(
  JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/schemas/railway.schema.json'), 'utf8')),
);
const dir = mkdtempSync(join(repoRoot, '.tmp-railway-v2-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function variant(fixture: string, change: (spec: SpecTree) => void): Generated {
  const spec = parse(fixtureText(fixture));
  change(spec);
  return generateApp(appFromText(stringify(spec)), [railwayTarget]);
}

function iac(g: Generated): string {
  const f = g.files.find((x) => x.path === '.railway/railway.ts');
  assert.ok(f, `no railway.ts (errors: ${JSON.stringify(g.errors)})`);
  return f.content as string;
}

type Node = {
  address: string;
  type: string;
  name: string;
  variables?: Record<string, { type: string; resource?: string; value?: unknown }>;
  volumeAttachments?: Record<string, { volume: string; mountPath: string }>;
  deploy?: { startCommand?: string; preDeployCommand?: string[] };
};

/** The Railway CLI's project_definition_to_graph: resources, volumes from attachments, mount and variable edges. */
function graphOf(definition: ProjectDefinition): RailwayGraph {
  const resources = (definition.resources ?? []).flat() as unknown as Node[];
  const edges: RailwayGraph['edges'] = [];
  for (const r of resources) {
    for (const [mount, a] of Object.entries(r.volumeAttachments ?? {})) {
      if (!resources.some((x) => x.address === a.volume))
        resources.push({ address: a.volume, type: 'volume', name: mount });
      edges.push({ from: r.address as never, to: a.volume as never, type: 'mount', key: a.mountPath });
    }
    for (const [key, v] of Object.entries(r.variables ?? {})) {
      if (v.type === 'reference')
        edges.push({ from: r.address as never, to: v.resource as never, type: 'variable', key });
    }
  }
  return {
    version: 1,
    project: { name: definition.name },
    environments: [],
    resources: resources as never,
    edges,
  };
}

async function evaluate(name: string, text: string): Promise<{ graph: RailwayGraph; nodes: Node[] }> {
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, text);
  const program = (await import(file)).default as (ctx: unknown, project: unknown) => ProjectDefinition;
  const definition = await program(
    createRailwayContext({ environment: 'production' }),
    (n: string, d: object) => ({ name: n, ...d }),
  );
  const graph = graphOf(definition);
  return { graph, nodes: graph.resources as unknown as Node[] };
}

describe('railway v2: fixture apps', () => {
  const written: string[] = [];
  for (const c of appCases) {
    it(`${c.name}: goldens, railway.json schema, evaluated graph passes validateGraph`, async () => {
      const g = generateApp(loadApp(c.spec), [railwayTarget]);
      assertGolden('railway', c.name, g);
      if (g.errors.length > 0) return;
      for (const f of g.files.filter((x) => x.path.endsWith('railway.json'))) {
        assert.ok(railwaySchema(JSON.parse(f.content as string)), JSON.stringify(railwaySchema.errors));
      }
      const { graph, nodes } = await evaluate(c.name.replace(/-/g, '_'), iac(g));
      written.push(`${c.name.replace(/-/g, '_')}.ts`);
      assert.deepEqual(validateGraph(graph), []);
      const names = new Set(nodes.map((n) => n.name));
      for (const n of nodes) {
        for (const m of JSON.stringify(n.variables ?? {}).matchAll(
          /\$\{\{([A-Za-z0-9_-]+)\.[A-Za-z0-9_]+\}\}/g,
        )) {
          assert.ok(names.has(m[1]!) || m[1] === 'shared', `${n.name} refers to unknown service ${m[1]}`);
        }
      }
    });
  }

  it('every railway.ts type-checks against the railway package', () => {
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          noEmit: true,
          skipLibCheck: false,
          types: [],
        },
        files: written,
      }),
    );
    const tsc = spawnSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', dir], {
      encoding: 'utf8',
    });
    assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  });
});

describe('railway v2: trial defects and features', () => {
  it('a start command with `sh -c` keeps its script as one word', async () => {
    const g = variant('v2-relay-jobs', (s) => {
      s.workloads.worker.command = ['sh', '-c', 'bundle exec sidekiq -c "$SIDEKIQ_CONCURRENCY" && echo done'];
    });
    const { nodes } = await evaluate('start_words', iac(g));
    const start = nodes.find((n) => n.name === 'worker')!.deploy!.startCommand!;
    assert.deepEqual(splitWords(start), [
      'sh',
      '-c',
      'bundle exec sidekiq -c "$SIDEKIQ_CONCURRENCY" && echo done',
    ]);
  });

  it('several volumes on one service are an error; one volume is mounted', async () => {
    const g = variant('v2-media-ports', (s) => {
      s.resources.thumbs = { type: 'volume' };
      s.workloads.web.volumes['/var/cache/thumbs'] = { volume: 'thumbs' };
      s.workloads.web.ports.quic.public = false;
    });
    assertFeature(g, 'errors', 'railway: workloads.web.volumes');
  });

  it('the release step is the web pre-deploy command; workers get no domain or pre-deploy', async () => {
    const { nodes } = await evaluate(
      'release',
      iac(generateApp(loadApp('test/fixtures/specs/v2-relay-jobs.yaml'), [railwayTarget])),
    );
    const web = nodes.find((n) => n.name === 'web')!;
    assert.deepEqual(web.deploy!.preDeployCommand, ['bundle exec rails db:prepare']);
    assert.equal(nodes.find((n) => n.name === 'worker')!.deploy!.preDeployCommand, undefined);
  });

  it('a Redis Stack image keeps its entrypoint: settings in REDIS_ARGS, no start command', async () => {
    const g = variant('v2-media-ports', (s) => {
      s.workloads.web.ports.quic.public = false;
    });
    const { nodes } = await evaluate('stack', iac(g));
    const cache = nodes.find((n) => n.name === 'cache')!;
    assert.equal(cache.deploy?.startCommand, undefined);
    assert.match(
      JSON.stringify(cache.variables?.REDIS_ARGS),
      /--requirepass \$\{\{REDIS_PASSWORD\}\} --appendonly yes --maxmemory 256mb/,
    );
  });

  it('a public UDP port is an error on Railway (TCP proxies only), an internal one is fine', () => {
    assertFeature(
      generateApp(loadApp('test/fixtures/specs/v2-media-ports.yaml'), [railwayTarget]),
      'errors',
      'railway: workloads.web.ports',
    );
  });

  it('URL schemes are chosen per use (postgresql+psycopg with sslmode for SQLAlchemy)', async () => {
    const { nodes } = await evaluate(
      'scheme',
      iac(generateApp(loadApp('test/fixtures/specs/v2-api-external.yaml'), [railwayTarget])),
    );
    const url = JSON.stringify(nodes.find((n) => n.name === 'web')!.variables?.DATABASE_URL);
    assert.match(
      url,
      /postgresql\+psycopg:\/\/\$\{\{DB_USERNAME\}\}|postgresql\+psycopg:\/\/.*sslmode=require/,
    );
  });
});
