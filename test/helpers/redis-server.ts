// A redis-server of the test's own on a free port, so a test can stop and restart it.
import { type ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort, until } from './services.js';

export interface OwnRedis {
  port: number;
  url: string;
  start: () => Promise<void>;
  stop: () => Promise<void>;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, up: boolean): Promise<void> {
  await until(
    `redis on port ${port} to come ${up ? 'up' : 'down'}`,
    async () => ((await portOpen(port)) === up ? true : undefined),
    10_000,
    50,
  );
}

export async function ownRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const self: OwnRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    start: async () => {
      proc = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        {
          stdio: 'ignore',
        },
      );
      await waitForPort(port, true);
    },
    stop: async () => {
      if (!proc || proc.exitCode !== null) return;
      const exited = new Promise((r) => proc!.once('exit', r));
      proc.kill('SIGKILL');
      await exited;
      await waitForPort(port, false);
    },
  };
  await self.start();
  return self;
}
