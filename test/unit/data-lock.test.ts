// The DATA_DIR lock in one process: a stale lock (dead pid on this host, or untouched for long) is taken
// over, a live holder is named in the refusal, a second lock in the same process is refused, release removes it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DataDirLockedError, LOCK_FILE, lockDataDir } from '../../src/server/data-lock.js';

const root = mkdtempSync(join(tmpdir(), 'paasport-datalock-'));
after(() => rmSync(root, { recursive: true, force: true }));

const holder = (pid: number, host = hostname()) =>
  JSON.stringify({ pid, host, startedAt: new Date().toISOString(), command: 'other', nonce: 'n' });

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
}

describe('DATA_DIR lock file', () => {
  it('refuses a live holder on this host, naming its pid and host', async () => {
    const dir = mkdtempSync(join(root, 'live-'));
    // The parent of this test process is alive for as long as the test runs.
    writeFileSync(join(dir, LOCK_FILE), holder(process.ppid));
    await assert.rejects(lockDataDir(dir), (err: unknown) => {
      assert.ok(err instanceof DataDirLockedError);
      assert.match(err.message, new RegExp(`in use by pid ${process.ppid} on host ${hostname()}`));
      return true;
    });
    assert.equal(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid, process.ppid);
  });

  it('takes over a lock whose pid is dead on this host', async () => {
    const dir = mkdtempSync(join(root, 'dead-'));
    writeFileSync(join(dir, LOCK_FILE), holder(deadPid()));
    const lock = await lockDataDir(dir);
    assert.equal(JSON.parse(readFileSync(lock.path, 'utf8')).pid, process.pid);
    await lock.release();
    assert.equal(existsSync(lock.path), false);
  });

  it('refuses a fresh lock from another host, takes over one untouched for a minute', async () => {
    const dir = mkdtempSync(join(root, 'remote-'));
    const path = join(dir, LOCK_FILE);
    writeFileSync(path, holder(1, 'other-host'));
    await assert.rejects(lockDataDir(dir), /in use by pid 1 on host other-host/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old);
    const lock = await lockDataDir(dir);
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).host, hostname());
    await lock.release();
  });

  it('refuses a second lock of the same folder in this process until the first is released', async () => {
    const dir = mkdtempSync(join(root, 'twice-'));
    const lock = await lockDataDir(dir);
    await assert.rejects(lockDataDir(dir), DataDirLockedError);
    await lock.release();
    const again = await lockDataDir(dir);
    await again.release();
  });
});
