// Child processes of the benchmark: servers and load generators run in their own processes (with the
// fd limit raised to the hard limit), talk to the harness over IPC, and are measured from /proc.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
export const LOG_DIR = join(ROOT, 'bench/results/tmp');
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

export type SpawnOptions = {
  name: string;
  env?: Record<string, string>;
  nodeArgs?: string[];
  /** Run a TypeScript entry through tsx. */
  tsx?: boolean;
  /** `script` is an executable (a Go server such as Centrifugo), not a node entry. */
  binary?: boolean;
  cwd?: string;
};

type Pending = { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void };

/** A node process started through `sh` so `ulimit -n` can be raised first; `exec` keeps the pid and IPC. */
export class Child {
  readonly proc: ChildProcess;
  readonly name: string;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private exited: Promise<number | null>;
  private stopping = false;

  constructor(script: string, args: string[], opts: SpawnOptions) {
    this.name = opts.name;
    mkdirSync(LOG_DIR, { recursive: true });
    const nodeArgs = [...(opts.tsx ? ['--import', 'tsx'] : []), ...(opts.nodeArgs ?? [])];
    const cmd = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"';
    const argv = opts.binary ? [script, ...args] : [process.execPath, ...nodeArgs, script, ...args];
    this.proc = spawn('/bin/sh', ['-c', cmd, 'sh', ...argv], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const log = createWriteStream(join(LOG_DIR, `${opts.name}.log`));
    this.proc.stdout?.pipe(log);
    this.proc.stderr?.pipe(log);
    this.proc.on('message', (msg: Record<string, unknown>) => {
      const id = typeof msg.id === 'number' ? msg.id : -1;
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      if (typeof msg.error === 'string') p.reject(new Error(`${this.name}: ${msg.error}`));
      else p.resolve(msg);
    });
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        if (!this.stopping)
          console.error(`${this.name} (pid ${this.pid}) exited unexpectedly: code ${code}, signal ${signal}`);
        for (const p of this.pending.values()) p.reject(new Error(`${this.name} exited (${code})`));
        this.pending.clear();
        resolve(code);
      });
    });
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Sends `{id, op, ...}` and resolves with the reply carrying the same id. */
  request<T = Record<string, unknown>>(op: string, body: Record<string, unknown> = {}, timeoutMs = 60_000) {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${op} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.proc.send({ id, op, ...body });
    });
  }

  /** Waits for an unsolicited `{event}` message (e.g. `ready`). */
  waitEvent(event: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const onMsg = (msg: Record<string, unknown>) => {
        if (msg.event !== event) return;
        cleanup();
        resolve(msg);
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`${this.name} exited (${code}) before ${event}; see ${LOG_DIR}/${this.name}.log`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name}: no ${event} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.proc.off('message', onMsg);
        this.proc.off('exit', onExit);
      };
      this.proc.on('message', onMsg);
      this.proc.on('exit', onExit);
    });
  }

  /** SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopping = true;
    if (!this.alive) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** User+system CPU time of a process in milliseconds, from /proc/<pid>/stat (10 ms resolution). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command name: field 3 is state, so utime (14) and stime (15) sit at indexes 11 and 12.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `url` until it answers 200 or `timeoutMs` passes; returns the elapsed ms. */
export async function waitHttpOk(url: string, timeoutMs: number, child?: Child): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    if (child && !child.alive) throw new Error(`${child.name} exited; see ${LOG_DIR}/${child.name}.log`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - start;
    } catch {
      // not listening yet
    }
    await sleep(10);
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`);
}
