// Embedded PostgreSQL: PGlite persisted under DATA_DIR, served on a loopback socket by pglite-socket so the
// rest of the server reaches it with the same `pg` Pool and SQL as a real server. One replica only.
// PGlite is imported only when embedded mode is used: it is sizeable and a real server never needs it.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from '../../logger.js';
import { DependencyHealth } from '../health.js';
import type { Database } from './database.js';
import { createPgPool, poolDatabase } from './pg.js';

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  poolMax: number;
  connectTimeoutMs: number;
  queryTimeoutMs?: number;
  statementTimeoutMs: number;
}

export async function createEmbeddedDatabase(
  opts: EmbeddedDatabaseOptions,
  log: Logger,
  health = new DependencyHealth('postgres', log),
): Promise<Database> {
  const dir = resolve(opts.dataDir, 'postgres');
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-socket'),
    mkdir(dir, { recursive: true }),
  ]);
  const db = await PGlite.create({ dataDir: dir });
  // PGlite runs one session; the socket server multiplexes pool connections onto it, keeping transactions whole.
  // One slot more than the pool, for the dedicated connection of migrations.
  const maxConnections = Math.min(opts.poolMax, 4);
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: 0,
    maxConnections: maxConnections + 1,
  });
  await server.start();
  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  const pgOpts = { ...opts, url, poolMax: maxConnections };
  const pool = createPgPool(pgOpts, log, health);
  log.info(
    { dataDir: join(dir) },
    'embedded PostgreSQL (PGlite) started: data persisted under DATA_DIR; one replica only',
  );
  return poolDatabase('embedded', pgOpts, pool, health, async () => {
    await pool.end();
    await server.stop();
    await db.close();
  });
}
