// A redis-server of the test's own on a free port, so a test can stop and restart it.
import { type ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from './services.js';

export interface OwnRedis {
  port: number;
  url: string;
  start: () => Promise<void>;
  stop: () => Promise<void>;
}

async function waitForPort(port: number, up: boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const s = createConnection({ port, host: '127.0.0.1' });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open === up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis on port ${port} did not come ${up ? 'up' : 'down'} in time`);
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
