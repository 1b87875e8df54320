// One process per DATA_DIR in embedded mode: a second server, or `paasport migrate`, on the folder of a
// running server exits 1 naming the holder, before it opens the embedded database; the first keeps serving.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LOCK_FILE } from '../../src/server/data-lock.js';
import {
  captureOutput,
  freePort,
  ROOT,
  runCli,
  type ServerProcess,
  startServerProcess,
  tempDir,
} from '../helpers/services.js';

const KEY = 'k'.repeat(32);

describe('DATA_DIR lock', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let first: ServerProcess;
  const env = () => ({ DATA_DIR: dir.path, API_KEYS: KEY, JWT_SECRET: 'j'.repeat(32) });

  before(async () => {
    dir = await tempDir('paasport-lock-');
    first = await startServerProcess(env(), { readyTimeoutMs: 120_000 });
  });

  after(async () => {
    await first?.stop();
    await dir?.remove();
  });

  it('writes a lock file naming the holder: pid, host and start time', () => {
    const holder = JSON.parse(readFileSync(join(dir.path, LOCK_FILE), 'utf8'));
    assert.equal(holder.pid, first.proc.pid);
    assert.equal(typeof holder.host, 'string');
    assert.ok(Date.parse(holder.startedAt) <= Date.now());
  });

  it('a second server and `paasport migrate` on the same DATA_DIR exit 1 naming the holder', async () => {
    const port = await freePort();
    const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server/main.ts')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), ...env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = captureOutput(proc);
    // Both at once: each starts a Node process of its own, which is most of their time.
    const [code, migrate] = await Promise.all([
      new Promise<number | null>((r) => proc.once('exit', r)),
      runCli(['migrate'], env()),
    ]);
    assert.equal(code, 1, output());
    assert.match(output(), new RegExp(`DATA_DIR \\S+ is in use by pid ${first.proc.pid} on host `));
    assert.doesNotMatch(output(), /"msg":"listening"/);
    assert.equal(await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null), null);
    assert.equal(migrate.code, 1, migrate.out);
    assert.match(migrate.out, new RegExp(`is in use by pid ${first.proc.pid}`));
  });

  it('the first server keeps its lock and its data: one message at offset 1', async () => {
    const res = await fetch(`${first.url}/v1/channels/lock-test/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: { n: 1 } }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    assert.equal(((await res.json()) as { offset: number }).offset, 1);
    assert.ok(existsSync(join(dir.path, LOCK_FILE)));
  });

  it('a graceful stop removes the lock file', async () => {
    assert.equal(await first.stop(), 0, first.output());
    assert.equal(existsSync(join(dir.path, LOCK_FILE)), false);
  });
});
