// One process per DATA_DIR in embedded mode: a second server, or `paasport migrate`, on the folder of a
// running server exits 1 naming the holder, before it opens the embedded database; the first keeps serving,
// and a graceful stop removes the lock. The lock is taken before PGlite loads, so the refusals are checked
// while the first server is still creating its database.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LOCK_FILE } from '../../src/server/data-lock.js';
import { captureOutput, freePort, ROOT, runCli, tempDir, until } from '../helpers/services.js';

const KEY = 'k'.repeat(32);

function spawnServer(
  env: Record<string, string>,
  port: number,
): { proc: ChildProcess; output: () => string } {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server/main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', LOG_LEVEL: 'warn', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { proc, output: captureOutput(proc) };
}

describe('DATA_DIR lock', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let first: ReturnType<typeof spawnServer>;
  let url: string;
  const env = () => ({ DATA_DIR: dir.path, API_KEYS: KEY, JWT_SECRET: 'j'.repeat(32) });
  const lockPath = () => join(dir.path, LOCK_FILE);

  before(async () => {
    dir = await tempDir('paasport-lock-');
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    first = spawnServer(env(), port);
    await until(
      'the first server to take the lock',
      () => (existsSync(lockPath()) ? true : undefined),
      120_000,
    );
  });

  after(async () => {
    if (first?.proc.exitCode === null) first.proc.kill('SIGKILL');
    await dir?.remove();
  });

  it('writes a lock file naming the holder: pid, host and start time', () => {
    const holder = JSON.parse(readFileSync(lockPath(), 'utf8'));
    assert.equal(holder.pid, first.proc.pid);
    assert.equal(typeof holder.host, 'string');
    assert.ok(Date.parse(holder.startedAt) <= Date.now());
  });

  it('a second server and `paasport migrate` on the same DATA_DIR exit 1 naming the holder', async () => {
    const port = await freePort();
    const second = spawnServer(env(), port);
    // Both at once: each starts a Node process of its own, which is most of their time.
    const [code, migrate] = await Promise.all([
      new Promise<number | null>((r) => second.proc.once('exit', r)),
      runCli(['migrate'], env()),
    ]);
    assert.equal(code, 1, second.output());
    assert.match(second.output(), new RegExp(`DATA_DIR \\S+ is in use by pid ${first.proc.pid} on host `));
    assert.equal(await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null), null);
    assert.equal(migrate.code, 1, migrate.out);
    assert.match(migrate.out, new RegExp(`is in use by pid ${first.proc.pid}`));
  });

  it('the first server becomes ready and keeps its data: one message at offset 1', async () => {
    // Creating the embedded database takes long on a busy machine.
    await until(
      'the first server to become ready',
      async () => {
        if (first.proc.exitCode !== null) throw new Error(`first server exited:\n${first.output()}`);
        const res = await fetch(`${url}/readyz`).catch(() => null);
        return res?.status === 200 ? true : undefined;
      },
      240_000,
      500,
    );
    const res = await fetch(`${url}/v1/channels/lock-test/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: { n: 1 } }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    assert.equal(((await res.json()) as { offset: number }).offset, 1);
    assert.equal(JSON.parse(readFileSync(lockPath(), 'utf8')).pid, first.proc.pid);
  });

  it('a graceful stop removes the lock file', async () => {
    const exited = new Promise<number | null>((r) => first.proc.once('exit', r));
    first.proc.kill('SIGTERM');
    assert.equal(await exited, 0, first.output());
    assert.equal(existsSync(lockPath()), false);
  });
});
