// Runs the SQL migrations in ./migrations with node-pg-migrate. Its advisory lock (in wait mode) makes
// concurrent runs from several replicas or a pre-deploy step safe: one migrates, the others wait and find nothing to do.
// A database already at head is recognised with one query, so a restart neither loads the runner nor takes the lock.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from '../drivers/database/database.js';
import { isOutage } from '../drivers/outage.js';
import type { Logger } from '../logger.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const TABLE = 'pgmigrations';

/** Names of the shipped migrations, as node-pg-migrate records them. */
function shipped(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => f.slice(0, -'.sql'.length));
}

/** True when every shipped migration is recorded as run (a newer replica may have run more). */
export async function atHead(db: Database): Promise<boolean> {
  // On a fresh database the table is missing and this rejects: the caller treats that as "not at head".
  const { rows } = await db.query<{ name: string }>(`SELECT name FROM ${TABLE}`);
  const done = new Set(rows.map((r) => r.name));
  return shipped().every((name) => done.has(name));
}

/** Applies every pending migration in one transaction; returns the names applied. */
export async function migrate(db: Database, log: Logger): Promise<string[]> {
  const done = await atHead(db).catch((err: unknown) => {
    // An unreachable database is not "behind": fail now rather than wait for it a second time.
    if (isOutage(err)) throw err;
    return false;
  });
  if (done) return [];
  const [{ runner }, client] = await Promise.all([import('node-pg-migrate'), db.dedicated()]);
  try {
    const applied = await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      migrationsTable: TABLE,
      advisoryLockMode: 'wait',
      singleTransaction: true,
      checkOrder: true,
      logger: {
        debug: () => {},
        info: (m: string) => log.debug(m),
        warn: (m: string) => log.warn(m),
        error: (m: string) => log.error(m),
      },
    });
    const names = applied.map((m) => m.name);
    if (names.length > 0) log.info({ migrations: names }, 'migrations applied');
    return names;
  } finally {
    await client.end().catch(() => {});
  }
}
