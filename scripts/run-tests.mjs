// Runs test/**/*.test.ts with node's test runner (tsx loader); args filter by path substring. Unless every
// selected file is a unit test, it first starts its own PostgreSQL, Redis and MinIO for the run, passes them
// to the tests as TEST_* variables, and removes them at the end, also on Ctrl-C or SIGTERM.
import { spawn } from 'node:child_process';
import { chmodSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { delimiter, join } from 'node:path';
import {
  missingBinaries,
  newRunDir,
  ROOT,
  reapStaleRuns,
  startMinio,
  startPostgres,
  startRedis,
  TOOLS_BIN,
} from './test-services.mjs';

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (name === 'golden' || name === 'fixtures' || name === 'node_modules') return [];
    return statSync(full).isDirectory() ? walk(full) : full.endsWith('.test.ts') ? [full] : [];
  });
}

const filters = process.argv.slice(2);
const files = walk('test')
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .filter((f) => !f.startsWith(join('test', 'reliability')) || filters.some((x) => x.includes('reliability')))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}

const needsServices = files.some((f) => !f.startsWith(join('test', 'unit')));
const env = {
  ...process.env,
  NODE_ENV: 'test',
  PATH: [TOOLS_BIN, process.env.PATH].join(delimiter),
  // The compose plugin built by scripts/tools.sh, for `docker compose config`.
  DOCKER_CONFIG: process.env.DOCKER_CONFIG ?? join(ROOT, '.tools', 'docker'),
};
const stops = [];
let runDir;
let exiting = false;

async function cleanup() {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  if (runDir) rmSync(runDir, { recursive: true, force: true });
}

async function exit(code) {
  if (exiting) return;
  exiting = true;
  await cleanup();
  process.exit(code);
}

let child;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    child?.kill(signal);
    void exit(130);
  });
}

if (needsServices) {
  const missing = missingBinaries(['postgres', 'redis', 'minio']);
  if (missing.length > 0) {
    console.error(`cannot start the test services:\n  ${missing.join('\n  ')}`);
    process.exit(1);
  }
  reapStaleRuns();
  runDir = newRunDir();
  // PostgreSQL runs as its own user when we are root: it must be able to enter this folder.
  chmodSync(runDir, 0o755);
  const state = { runner: process.pid, pids: [], postgres: [] };
  const record = () => writeFileSync(join(runDir, 'run.json'), JSON.stringify(state));
  record();
  const started = Date.now();
  try {
    const [pg, redis, minio] = await Promise.all([
      startPostgres({ parent: runDir }).then((s) => {
        stops.push(s.stop);
        state.postgres.push(s.dir);
        return s;
      }),
      startRedis({ parent: runDir }).then((s) => {
        stops.push(s.stop);
        state.pids.push(s.pid);
        return s;
      }),
      startMinio({ parent: runDir }).then((s) => {
        stops.push(s.stop);
        state.pids.push(s.pid);
        return s;
      }),
    ]);
    record();
    Object.assign(env, {
      TEST_DATABASE_URL: pg.url,
      TEST_REDIS_URL: redis.url,
      TEST_S3_ENDPOINT: minio.endpoint,
      TEST_S3_ACCESS_KEY: minio.accessKey,
      TEST_S3_SECRET_KEY: minio.secretKey,
    });
    console.log(
      `test services up in ${Date.now() - started} ms: PostgreSQL ${pg.port}, Redis ${redis.port}, MinIO ${minio.endpoint}`,
    );
  } catch (err) {
    console.error(`cannot start the test services: ${err.message}`);
    await exit(1);
  }
}

// Files run in parallel; each uses its own databases, key prefixes and buckets.
const concurrency = process.env.TEST_CONCURRENCY ?? String(Math.max(2, availableParallelism()));
// A hung test fails with its name instead of stalling the whole run.
const testTimeout = process.env.TEST_TIMEOUT_MS ?? '300000';
child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    `--test-timeout=${testTimeout}`,
    '--test-reporter=spec',
    ...files,
  ],
  { stdio: 'inherit', env },
);
child.on('exit', (code, signal) => void exit(code ?? (signal ? 1 : 0)));
