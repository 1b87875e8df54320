// Runs the SQL migrations in ./migrations with node-pg-migrate. Its advisory lock (in wait mode) makes
// concurrent runs from several replicas or a pre-deploy step safe: one migrates, the others wait and find nothing to do.
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import type { Database } from '../drivers/database/database.js';
import type { Logger } from '../logger.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Applies every pending migration in one transaction; returns the names applied. */
export async function migrate(db: Database, log: Logger): Promise<string[]> {
  const client = await db.pool.connect();
  try {
    const applied = await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      migrationsTable: 'pgmigrations',
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
    client.release();
  }
}
