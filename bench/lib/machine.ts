// Facts about the machine and software a run was measured on, and CPU of the backing services
// (PostgreSQL and Redis processes) so paasport's full cost can be shown beside its own process.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { centrifugoVersion } from '../targets/centrifugo.js';
import { cpuMs, ROOT } from './proc.js';

function pkgVersion(name: string): string {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

function command(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return 'unavailable';
  }
}

export function machineFacts(postgres: string) {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    fdLimit: command('sh', ['-c', 'ulimit -Hn']),
    postgres,
    redis: command('redis-server', ['--version']).replace(/^Redis server v=(\S+).*$/, '$1'),
    centrifugo: centrifugoVersion(),
    packages: Object.fromEntries(
      [
        'ws',
        'socket.io',
        'socket.io-client',
        '@socket.io/redis-adapter',
        'redis',
        'pg',
        'express',
        'undici',
      ].map((p) => [p, pkgVersion(p)]),
    ),
  };
}

export type MachineFacts = ReturnType<typeof machineFacts>;

/** Summed CPU ms of every live postgres and redis-server process (both run on this box). */
export function servicesCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm === 'postgres' || comm.startsWith('redis-server')) total += cpuMs(Number(entry));
    } catch {
      // the process ended between readdir and read
    }
  }
  return total;
}
