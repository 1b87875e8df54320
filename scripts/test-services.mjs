// Throwaway PostgreSQL, Redis and MinIO servers on free loopback ports, for the test runner and for tests
// that need an instance of their own (to stop or restart it). Each lives in a temp folder removed on stop.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';

export const ROOT = new URL('../', import.meta.url).pathname;
export const TOOLS_BIN = join(ROOT, '.tools', 'bin');
export const RUN_PREFIX = 'paasport-services-';

const INSTALL = {
  postgres: 'apt-get install -y postgresql',
  redis: 'apt-get install -y redis-server',
  minio: 'bash scripts/tools.sh',
};

/** Absolute path of a binary on PATH, in .tools/bin or PostgreSQL's versioned folder; undefined if absent. */
export function findBinary(name) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), TOOLS_BIN];
  if (existsSync('/usr/lib/postgresql')) {
    for (const v of readdirSync('/usr/lib/postgresql').sort().reverse())
      dirs.push(`/usr/lib/postgresql/${v}/bin`);
  }
  for (const dir of dirs) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Names every missing binary with the command that installs it; empty when all are present. */
export function missingBinaries(kinds) {
  const need = {
    postgres: ['initdb', 'pg_ctl', 'postgres', 'pg_dump'],
    redis: ['redis-server'],
    minio: ['minio'],
  };
  const lines = [];
  for (const kind of kinds) {
    const absent = need[kind].filter((b) => !findBinary(b));
    if (absent.length > 0) lines.push(`missing ${absent.join(', ')}: install with \`${INSTALL[kind]}\``);
  }
  return lines;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(what, check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

function tcpOpen(port) {
  return new Promise((resolve) => {
    const s = createServer().listen(port, '127.0.0.1');
    s.once('listening', () => s.close(() => resolve(false)));
    s.once('error', () => resolve(true));
  });
}

// PostgreSQL refuses to run as root; as root the cluster belongs to the `postgres` user.
const asRoot = userInfo().uid === 0;
function pgCommand(bin, args) {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', findBinary(bin), ...args]] : [findBinary(bin), args];
}

/**
 * A fresh PostgreSQL cluster tuned for tests (no fsync), with database `test`, trust auth on 127.0.0.1.
 * With passwordAuth, TCP logins need a password (scram-sha-256) and `url` reaches the admin over the socket,
 * so a test can check that the credentials a deployment hands its app are the ones its database holds.
 */
export async function startPostgres({ parent, passwordAuth = false } = {}) {
  const dir = mkdtempSync(join(parent ?? tmpdir(), 'pg-'));
  const data = join(dir, 'data');
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), 0);
  const port = await freePort();
  const [initCmd, initArgs] = pgCommand('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--no-sync',
    '--locale=C',
  ]);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed:\n${init.stdout}${init.stderr}`);
  const settings = [
    `port=${port}`,
    "listen_addresses='127.0.0.1'",
    `unix_socket_directories='${dir}'`,
    'fsync=off',
    'synchronous_commit=off',
    'full_page_writes=off',
    'max_connections=400',
    'shared_buffers=128MB',
    'max_locks_per_transaction=128',
  ];
  writeFileSync(join(data, 'postgresql.auto.conf'), `${settings.join('\n')}\n`);
  if (passwordAuth) {
    writeFileSync(
      join(data, 'pg_hba.conf'),
      'local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n',
    );
  }
  if (asRoot) execFileSync('chown', ['-R', 'postgres', data]);
  const [ctlCmd, ctlArgs] = pgCommand('pg_ctl', [
    '-D',
    data,
    '-l',
    join(dir, 'log'),
    '-w',
    '-t',
    '60',
    'start',
  ]);
  const started = spawnSync(ctlCmd, ctlArgs, { encoding: 'utf8' });
  if (started.status !== 0) throw new Error(`PostgreSQL did not start:\n${started.stdout}${started.stderr}`);
  const adminUrl = (db) =>
    passwordAuth
      ? `postgres://postgres@localhost/${db}?host=${encodeURIComponent(dir)}&port=${port}`
      : `postgres://postgres@127.0.0.1:${port}/${db}`;
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: adminUrl('postgres') });
  await admin.connect();
  await admin.query('CREATE DATABASE test');
  await admin.end();
  const stop = (mode = 'immediate') => {
    const [cmd, args] = pgCommand('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
    spawnSync(cmd, args, { stdio: 'ignore' });
  };
  return {
    port,
    url: adminUrl('test'),
    dir,
    stop: async () => {
      stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A redis-server without persistence; with a password, `url` carries it (user `default`). */
export async function startRedis({ parent, password } = {}) {
  const port = await freePort();
  const proc = spawn(
    findBinary('redis-server'),
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      parent ?? tmpdir(),
      ...(password ? ['--requirepass', password] : []),
    ],
    { stdio: 'ignore' },
  );
  await waitFor(`redis on ${port}`, () => tcpOpen(port), 15_000);
  const auth = password ? `:${encodeURIComponent(password)}@` : '';
  return {
    port,
    url: `redis://${auth}127.0.0.1:${port}`,
    pid: proc.pid,
    stop: async () => killAndWait(proc),
  };
}

/**
 * A MinIO server (real S3: SigV4 checked, multipart listing and abort) on a temp folder. The root user and
 * password can be chosen, and `env` adds MINIO_* settings (MINIO_SITE_REGION, MINIO_DOMAIN).
 */
export async function startMinio({
  parent,
  accessKey = 'paasport-test',
  secretKey = 'paasport-test-secret-key',
  env = {},
} = {}) {
  const dir = mkdtempSync(join(parent ?? tmpdir(), 'minio-'));
  const [port, consolePort] = [await freePort(), await freePort()];
  const proc = spawn(
    findBinary('minio'),
    [
      'server',
      join(dir, 'data'),
      '--address',
      `127.0.0.1:${port}`,
      '--console-address',
      `127.0.0.1:${consolePort}`,
      '--quiet',
    ],
    {
      stdio: 'ignore',
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        MINIO_ROOT_USER: accessKey,
        MINIO_ROOT_PASSWORD: secretKey,
        MINIO_BROWSER: 'off',
        MINIO_UPDATE: 'off',
        ...env,
      },
    },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  await waitFor(
    `minio on ${port}`,
    async () => (await fetch(`${endpoint}/minio/health/ready`).catch(() => null))?.status === 200,
    60_000,
  );
  return {
    endpoint,
    accessKey,
    secretKey,
    pid: proc.pid,
    stop: async () => {
      await killAndWait(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function killAndWait(proc) {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}

/** Stops the services of earlier runs whose runner died without cleaning up (SIGKILL, power loss). */
export function reapStaleRuns() {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(RUN_PREFIX))) {
    const dir = join(tmpdir(), name);
    let state;
    try {
      state = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    } catch {
      continue; // a run that is still starting, or not ours
    }
    if (pidAlive(state.runner)) continue;
    for (const pid of state.pids ?? []) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
    for (const pgDir of state.postgres ?? []) {
      const [cmd, args] = pgCommand('pg_ctl', ['-D', join(pgDir, 'data'), '-m', 'immediate', 'stop']);
      spawnSync(cmd, args, { stdio: 'ignore' });
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function newRunDir() {
  return mkdtempSync(join(tmpdir(), RUN_PREFIX));
}
