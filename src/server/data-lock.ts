// Exclusive lock on DATA_DIR, taken by the embedded database: PGlite is single-writer, and two processes on
// one folder would both acknowledge offset 1 and lose one message. A lock file holds the holder's pid, host and
// start time; the holder touches it every few seconds, so a lock left by a killed process is taken over (its
// pid is dead on this host, or, on another host or after a container restart, it stopped being touched).
import { randomUUID } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

export const LOCK_FILE = '.paasport.lock';
const HEARTBEAT_MS = 5_000;
/** A lock not touched for this long belongs to a process that is gone, wherever it ran. */
const STALE_AFTER_MS = 30_000;

interface Holder {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
  nonce: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: Holder,
    lockPath: string,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by pid ${holder.pid} on host ${holder.host} (started ${holder.startedAt}: ${holder.command}). ` +
        `Two processes on one DATA_DIR would overwrite each other's data: stop that process or give this one its own DATA_DIR. ` +
        `If that process is gone, the lock is taken over automatically within ${STALE_AFTER_MS / 1000}s (or delete ${lockPath}).`,
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  readonly path: string;
  release(): Promise<void>;
}

/** Paths locked by this process: a second lock of the same folder in one process is refused too. */
const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(path: string): Promise<{ holder?: Holder; ageMs: number } | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    const ageMs = Date.now() - info.mtimeMs;
    try {
      return { holder: JSON.parse(text) as Holder, ageMs };
    } catch {
      return { ageMs };
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function isStale(found: { holder?: Holder; ageMs: number }): boolean {
  if (found.ageMs > STALE_AFTER_MS) return true;
  const h = found.holder;
  // Unreadable yet fresh: another process is writing it this instant.
  if (!h) return false;
  if (h.host !== hostname()) return false;
  // Our own pid but not locked by us: a previous run in a restarted container (pid 1 again).
  if (h.pid === process.pid) return true;
  return !alive(h.pid);
}

/**
 * Creates the lock with its content in one step: written to a file of its own, then hard-linked into place,
 * which fails when the lock exists. Readers never see a lock file without its holder.
 */
async function tryCreate(path: string, holder: Holder): Promise<boolean> {
  const temp = `${path}.${holder.nonce}`;
  await writeFile(temp, JSON.stringify(holder), { flag: 'wx' });
  try {
    await link(temp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(temp).catch(() => {});
  }
}

export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const dir = resolve(dataDir);
  const path = join(dir, LOCK_FILE);
  const holder: Holder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    command: process.argv.slice(1).join(' ').slice(0, 200),
    nonce: randomUUID(),
  };
  if (heldHere.has(path)) throw new DataDirLockedError(dir, holder, path);
  await mkdir(dir, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    if (await tryCreate(path, holder)) break;
    const found = await readHolder(path);
    if (found === undefined) continue;
    if (attempt >= 5 || !isStale(found)) {
      if (!found.holder && attempt < 5) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      throw new DataDirLockedError(dir, found.holder ?? { ...holder, pid: -1, command: 'unknown' }, path);
    }
    // Move the stale file aside under a unique name: of two processes taking over, one rename wins and the
    // other finds the winner's fresh lock on its next attempt.
    const aside = `${path}.stale-${holder.nonce}`;
    await rename(path, aside).catch(() => {});
    await unlink(aside).catch(() => {});
  }
  // Read back: a takeover racing ours may have replaced the file between create and now.
  const mine = await readHolder(path);
  if (mine?.holder?.nonce !== holder.nonce) {
    throw new DataDirLockedError(dir, mine?.holder ?? holder, path);
  }
  heldHere.add(path);
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => {});
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const ours = async () => (await readHolder(path))?.holder?.nonce === holder.nonce;
  // An exit without release (second signal, crash) removes the lock too; a kill -9 leaves it stale.
  const onExit = () => {
    try {
      if ((JSON.parse(readFileSync(path, 'utf8')) as Holder).nonce === holder.nonce) unlinkSync(path);
    } catch {}
  };
  process.once('exit', onExit);
  let released = false;
  return {
    path,
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      process.off('exit', onExit);
      heldHere.delete(path);
      if (await ours()) await unlink(path).catch(() => {});
    },
  };
}
