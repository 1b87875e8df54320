// Restores a backup with pg_restore, streamed from object storage. The dump is first read once to check
// it against its checksum, so a damaged backup is refused before anything is written. A database that
// already holds tables is refused unless forced; forced restores drop and recreate what the backup holds.
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import type { ObjectStore } from '../drivers/object-store/index.js';
import { keyOf } from './catalog.js';
import { runTool } from './pg-tools.js';

export class RestoreRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefusedError';
  }
}

export interface RestoreOptions {
  databaseUrl: string;
  store: ObjectStore;
  name: string;
  force: boolean;
  binDir?: string | undefined;
}

/** Tables, views, sequences and the like outside the system schemas. */
export async function userRelationCount(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
         AND s.nspname NOT IN ('pg_catalog', 'information_schema')
         AND s.nspname NOT LIKE 'pg\\_toast%' AND s.nspname NOT LIKE 'pg\\_temp\\_%'`,
    );
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

async function readChecksum(store: ObjectStore, key: string): Promise<string | null> {
  const info = await store.stat(`${key}.sha256`);
  if (!info) return null;
  const { body } = await store.get(`${key}.sha256`);
  let text = '';
  for await (const chunk of body) text += chunk.toString();
  return /^[0-9a-f]{64}/.exec(text.trim())?.[0] ?? null;
}

export async function restoreBackup(
  opts: RestoreOptions,
  log: (line: string) => void = () => {},
): Promise<{ verified: boolean }> {
  const key = keyOf(opts.name);
  const info = await opts.store.stat(key);
  if (!info) throw new Error(`no backup named ${opts.name}; see \`paasport backup list\``);

  const expected = await readChecksum(opts.store, key);
  if (expected) {
    const hash = createHash('sha256');
    await pipeline((await opts.store.get(key)).body, hash);
    const actual = hash.digest('hex');
    if (actual !== expected)
      throw new Error(`backup ${opts.name} is damaged: sha256 ${actual}, expected ${expected}`);
    log(`checksum verified (sha256 ${actual})`);
  } else {
    log(`warning: ${opts.name} has no checksum object; restoring without verification`);
  }

  const relations = await userRelationCount(opts.databaseUrl);
  if (relations > 0 && !opts.force) {
    throw new RestoreRefusedError(
      `the target database is not empty (${relations} tables, views or sequences); restore into an empty database, or pass --force to drop and recreate the objects the backup contains`,
    );
  }

  const args = ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction'];
  if (opts.force) args.push('--clean', '--if-exists');
  const restore = runTool('pg_restore', args, {
    databaseUrl: opts.databaseUrl,
    binDir: opts.binDir,
    stdin: 'pipe',
  });
  const { body } = await opts.store.get(key);
  restore.child.stdout?.resume();
  // pg_restore exiting early (an error) closes its stdin; its exit status is the error worth reporting.
  await Promise.all([pipeline(body, restore.child.stdin!).catch(() => {}), restore.done]);
  return { verified: expected !== null };
}
