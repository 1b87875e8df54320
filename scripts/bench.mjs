// Entry of `npm run bench`: starts a throwaway PostgreSQL and Redis on loopback as the test runner does
// (unless BENCH_PG_URL and BENCH_REDIS_URL name servers to use), runs bench/run.ts with the given
// arguments, and stops them again. Every target of a run shares the same two servers.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingBinaries, ROOT, startPostgres, startRedis } from './test-services.mjs';

const args = process.argv.slice(2);
const env = { ...process.env };
const stops = [];
let parent;
if (!env.BENCH_PG_URL || !env.BENCH_REDIS_URL) {
  const missing = missingBinaries(['postgres', 'redis']);
  if (missing.length > 0) {
    console.error(
      `npm run bench needs PostgreSQL and Redis (or BENCH_PG_URL and BENCH_REDIS_URL):\n${missing.join('\n')}`,
    );
    process.exit(2);
  }
  parent = mkdtempSync(join(tmpdir(), 'paasport-bench-'));
  // PostgreSQL runs as its own OS user when we are root: it must be able to enter the folder.
  chmodSync(parent, 0o755);
  if (!env.BENCH_PG_URL) {
    const pg = await startPostgres({ parent });
    stops.push(pg.stop);
    // The bench creates a database per deployment: it wants the server's base URL.
    env.BENCH_PG_URL = pg.url.replace(/\/[^/]*$/, '');
  }
  if (!env.BENCH_REDIS_URL) {
    const redis = await startRedis({ parent });
    stops.push(redis.stop);
    env.BENCH_REDIS_URL = redis.url;
  }
}

const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], {
  cwd: ROOT,
  env,
  stdio: 'inherit',
});
const stopAll = async () => {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  if (parent) rmSync(parent, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
const code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
await stopAll();
process.exit(code);
