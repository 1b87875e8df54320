// Picks the database driver from config: a real server when DATABASE_URL is set, embedded PGlite otherwise.
import type { Config } from '../../config/load.js';
import type { Logger } from '../../logger.js';
import type { DependencyHealth } from '../health.js';
import type { Database } from './database.js';
import { createEmbeddedDatabase } from './embedded.js';
import { createPgDatabase } from './pg.js';

export type { Database } from './database.js';

export function createDatabase(
  cfg: Config['database'],
  log: Logger,
  health?: DependencyHealth,
): Promise<Database> {
  const child = log.child({ driver: cfg.url ? 'pg' : 'embedded' });
  return cfg.url
    ? createPgDatabase({ ...cfg, url: cfg.url }, child, health)
    : createEmbeddedDatabase(cfg, child, health);
}
