// The fault suite's own PostgreSQL and Redis, which its scenarios stop, restart and freeze without
// disturbing other tests: PostgreSQL through pg_ctl (as the postgres user when we are root), Redis as a
// redis-server process on a fixed port that can be killed, started again, or paused with SIGSTOP.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { findBinary, freePort, startPostgres } from '../../scripts/test-services.mjs';
import { until } from '../helpers/services.js';

export interface Postgres {
  port: number;
  url: string;
  /** pg_ctl restart -m fast: sessions are closed, the server is back when it returns. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface Redis {
  port: number;
  url: string;
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Whether something listens on the port (a paused server still does). */
  listening(): Promise<boolean>;
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

/** Runs pg_ctl without blocking the event loop: the load and the readiness watch keep running meanwhile. */
function pgCtl(dataDir: string, args: string[]): Promise<void> {
  const bin = findBinary('pg_ctl');
  if (!bin) throw new Error('pg_ctl not found');
  const argv = ['-D', dataDir, '-l', join(dataDir, '..', 'log'), '-w', '-t', '60', ...args];
  const [cmd, full] =
    userInfo().uid === 0 ? ['runuser', ['-u', 'postgres', '--', bin, ...argv]] : [bin, argv];
  return new Promise((resolve, reject) => {
    execFile(cmd, full as string[], (err, stdout, stderr) => {
      if (err) reject(new Error(`pg_ctl ${args.join(' ')} failed:\n${stdout}${stderr}`));
      else resolve();
    });
  });
}

export async function startOwnPostgres(): Promise<Postgres> {
  const pg = await startPostgres();
  const data = join(pg.dir, 'data');
  return {
    port: pg.port,
    url: pg.url,
    restart: () => pgCtl(data, ['-m', 'fast', 'restart']),
    stop: () => pgCtl(data, ['-m', 'fast', 'stop']),
    start: () => pgCtl(data, ['start']),
    close: () => pg.stop(),
  };
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function startOwnRedis(): Promise<Redis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'paasport-reliability-redis-'));
  const bin = findBinary('redis-server');
  if (!bin) throw new Error('redis-server not found');
  let proc: ChildProcess | undefined;
  const alive = () => proc !== undefined && proc.exitCode === null && proc.signalCode === null;
  const self: Redis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
      proc = spawn(bin, [...args, '--dir', dir], { stdio: 'ignore' });
      await until('redis to listen', async () => ((await portOpen(port)) ? true : undefined), 15_000, 50);
    },
    async kill() {
      if (!alive()) return;
      const exited = new Promise((r) => proc?.once('exit', r));
      proc?.kill('SIGCONT');
      proc?.kill('SIGKILL');
      await exited;
    },
    listening: () => portOpen(port),
    pause: () => proc?.kill('SIGSTOP'),
    resume: () => proc?.kill('SIGCONT'),
    async close() {
      await self.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await self.start();
  return self;
}
