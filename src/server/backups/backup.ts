// One backup: pg_dump (custom format, compressed) streamed straight into object storage, hashed on the way,
// then a checksum object next to it. The dump object only appears if pg_dump exited 0 and the upload
// completed, so a failed or interrupted backup leaves nothing that could be mistaken for a good one.
import { createHash } from 'node:crypto';
import { PassThrough, Transform } from 'node:stream';
import type { ObjectStore } from '../drivers/object-store/index.js';
import { BACKUP_PREFIX, backupName } from './catalog.js';
import { runTool } from './pg-tools.js';

export interface BackupOptions {
  databaseUrl: string;
  store: ObjectStore;
  binDir?: string | undefined;
  now?: Date;
  /** Aborting kills pg_dump and fails the backup (used on shutdown). */
  signal?: AbortSignal;
}

export interface BackupResult {
  name: string;
  key: string;
  size: number;
  sha256: string;
}

export async function runBackup(opts: BackupOptions): Promise<BackupResult> {
  const name = backupName(opts.now ?? new Date());
  const key = BACKUP_PREFIX + name;
  if (await opts.store.stat(key)) throw new Error(`backup ${name} already exists`);
  opts.signal?.throwIfAborted();

  const dump = runTool('pg_dump', ['--format=custom', '--compress=6'], {
    databaseUrl: opts.databaseUrl,
    binDir: opts.binDir,
  });
  const onAbort = () => dump.child.kill('SIGTERM');
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  // The body ends only once pg_dump has exited 0; any other exit fails the upload instead of ending it.
  const body = new PassThrough();
  dump.child.stdout?.pipe(body, { end: false });
  dump.done.then(
    () => body.end(),
    (err: unknown) => body.destroy(err as Error),
  );
  const hash = createHash('sha256');
  let size = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  body.on('error', (err) => hashing.destroy(err));
  body.pipe(hashing);

  try {
    await opts.store.put(key, hashing, { contentType: 'application/octet-stream' });
    await dump.done;
  } catch (err) {
    dump.child.kill('SIGTERM');
    await dump.done.catch(() => {});
    await opts.store.delete(key).catch(() => {});
    throw opts.signal?.aborted ? new Error('backup interrupted by shutdown', { cause: err }) : err;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  const sha256 = hash.digest('hex');
  await opts.store.put(`${key}.sha256`, PassThrough.from([`${sha256}  ${name}\n`]), {
    contentType: 'text/plain',
  });
  return { name, key, size, sha256 };
}
