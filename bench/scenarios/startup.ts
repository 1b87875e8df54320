// Scenario 7: cold generator CLI (validate + generate every target for the repo's spec, a new node process
// each time) and server cold start to ready: paasport on a fresh database (migrations included) and on a
// migrated one, beside the peers' start to listening.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createDatabase, dropDatabase } from '../lib/pg.js';
import { ROOT } from '../lib/proc.js';
import { type Summary, summarize } from '../lib/stats.js';
import { CLI, MAIN, paasportEnv } from '../targets/paasport.js';
import { deleteRedisPrefix } from '../targets/redis-cleanup.js';
import { startServer, type Target } from '../targets/server.js';

export const SPEC = 'templates/specs/paasport.yaml';

function countFiles(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (n, e) => n + (e.isDirectory() ? countFiles(join(dir, e.name)) : 1),
    0,
  );
}

export async function runGenerator(runs: number, log: (m: string) => void) {
  if (!existsSync(CLI)) throw new Error('dist/cli.js does not exist');
  if (!existsSync(join(ROOT, SPEC))) throw new Error(`${SPEC} does not exist`);
  const times: number[] = [];
  let files = 0;
  for (let i = 0; i < runs; i++) {
    const out = mkdtempSync(join(tmpdir(), 'paasport-gen-'));
    try {
      const start = performance.now();
      await promisify(execFile)(process.execPath, [CLI, 'generate', SPEC, '--out', out], {
        cwd: ROOT,
        timeout: 60_000,
      });
      times.push(performance.now() - start);
      files = countFiles(out);
      if (files === 0) throw new Error('generate wrote no files');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  log(`generator: ${files} files, median ${summarize(times).median.toFixed(0)} ms`);
  return { spec: SPEC, files, ms: summarize(times) };
}

export type ColdStart = { fresh: Summary; existing?: Summary };

/** paasport: the first start of each pair migrates a new database, the second finds it migrated. */
async function paasportStarts(runs: number): Promise<ColdStart> {
  const fresh: number[] = [];
  const existing: number[] = [];
  for (let i = 0; i < runs; i++) {
    const db = await createDatabase('bench_start');
    const prefix = `bench-start-${i}-${Date.now()}:`;
    const env = paasportEnv(db, prefix, `${'k'.repeat(24)}${i}`);
    try {
      for (const list of [fresh, existing]) {
        const s = await startServer({ name: 'paasport-start', script: MAIN, env, clientUrl: () => '' });
        list.push(s.readyMs);
        await s.child.stop();
      }
    } finally {
      await dropDatabase(db).catch(() => {});
      await deleteRedisPrefix(prefix);
    }
  }
  return { fresh: summarize(fresh), existing: summarize(existing) };
}

export async function runColdStart(
  target: Target,
  runs: number,
  log: (m: string) => void,
): Promise<ColdStart> {
  if (target.id === 'paasport') {
    const r = await paasportStarts(runs);
    log(
      `paasport: ready in ${r.fresh.median.toFixed(0)} ms (fresh db), ${r.existing?.median.toFixed(0)} ms (migrated)`,
    );
    return r;
  }
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dep = await target.deploy({ replicas: 1 });
    times.push(dep.servers[0]!.readyMs);
    await dep.stop();
  }
  log(`${target.id}: ready in ${summarize(times).median.toFixed(0)} ms`);
  return { fresh: summarize(times) };
}
