// Real services for tests: a throwaway database on the run's PostgreSQL, the run's Redis (tests use unique
// key prefixes), the run's MinIO (tests use unique buckets), and the server, in-process or as a child process.
// scripts/run-tests.mjs starts those services and passes them as TEST_* variables.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

function runService(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run the tests with \`npm test\` (scripts/run-tests.mjs starts the services)`,
    );
  }
  return value;
}

export const PG_ADMIN_URL = runService('TEST_DATABASE_URL');
export const REDIS_URL = runService('TEST_REDIS_URL');
export const ROOT = new URL('../../', import.meta.url).pathname;

export const uid = (n = 6) => randomBytes(n).toString('hex');

/** A fresh database on the machine's PostgreSQL; drop() removes it (and kicks any leftover sessions). */
export async function createTestDatabase(): Promise<{
  url: string;
  name: string;
  drop: () => Promise<void>;
}> {
  const name = `t_${uid()}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function tempDir(prefix = 'paasport-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * The run's MinIO (real S3: signatures checked, multipart listed and aborted). Callers use a bucket of their
 * own, so stop() has nothing to remove; a test that must stop or restart S3 uses ownMinio() instead.
 */
export async function startS3(): Promise<{
  endpoint: string;
  accessKey: string;
  secretKey: string;
  stop: () => Promise<void>;
}> {
  return {
    endpoint: runService('TEST_S3_ENDPOINT'),
    accessKey: runService('TEST_S3_ACCESS_KEY'),
    secretKey: runService('TEST_S3_SECRET_KEY'),
    stop: async () => {},
  };
}

/** Polls fn until it returns a value (not undefined), bounded by timeoutMs; a throw from fn stops it. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await fn();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
}

/** Collects a child's stdout and stderr, for assertions and for failure messages. */
export function captureOutput(proc: ChildProcess): () => string {
  let out = '';
  const append = (d: Buffer) => {
    out += d.toString();
  };
  proc.stdout?.on('data', append);
  proc.stderr?.on('data', append);
  return () => out;
}

export interface ServerProcess {
  url: string;
  port: number;
  proc: ChildProcess;
  output: () => string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  exited: Promise<number | null>;
}

/**
 * The command running argv with extra /etc/hosts entries (name -> address) seen by that process only: a
 * private mount namespace binds a copy of /etc/hosts with the entries added (needs root and util-linux).
 */
function withHosts(argv: string[], hosts: Record<string, string>): { argv: string[]; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'paasport-hosts-'));
  const file = join(dir, 'hosts');
  const lines = Object.entries(hosts).map(([name, address]) => `${address} ${name}`);
  writeFileSync(file, `${readFileSync('/etc/hosts', 'utf8')}\n${lines.join('\n')}\n`);
  const script = 'mount --bind "$0" /etc/hosts && exec "$@"';
  return { argv: ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script, file, ...argv], dir };
}

/**
 * Starts `src/server/main.ts` as its own process (the way a platform runs it) and waits for /readyz.
 * `hosts` resolves extra names for the server only (see withHosts), e.g. a virtual-hosted S3 bucket name.
 */
export async function startServerProcess(
  env: Record<string, string>,
  opts: { readyTimeoutMs?: number; hosts?: Record<string, string> } = {},
): Promise<ServerProcess> {
  const port = Number(env.PORT ?? (await freePort()));
  const main = [process.execPath, '--import', 'tsx', join(ROOT, 'src/server/main.ts')];
  const hosts = opts.hosts ? withHosts(main, opts.hosts) : undefined;
  const [command, ...args] = (hosts?.argv ?? main) as [string, ...string[]];
  const proc = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captureOutput(proc);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  if (hosts) void exited.then(() => rm(hosts.dir, { recursive: true, force: true }));
  const url = `http://127.0.0.1:${port}`;
  let lastAnswer = '';
  try {
    await until(
      'the server to become ready',
      async () => {
        if (proc.exitCode !== null) throw new Error(`server exited with code ${proc.exitCode}`);
        const res = await fetch(`${url}/readyz`).catch(() => null);
        if (res && res.status !== 200) lastAnswer = `last /readyz: ${res.status} ${await res.text()}\n`;
        return res?.status === 200 ? true : undefined;
      },
      opts.readyTimeoutMs ?? 30_000,
    );
  } catch (err) {
    proc.kill('SIGKILL');
    throw new Error(`server did not become ready (${(err as Error).message}):\n${lastAnswer}${output()}`);
  }
  return {
    url,
    port,
    proc,
    output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (proc.exitCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/** Runs the `paasport` CLI from source as its own process; resolves with its exit code and output. */
export function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    });
    const output = captureOutput(proc);
    proc.on('exit', (code) => resolve({ code, out: output() }));
  });
}
