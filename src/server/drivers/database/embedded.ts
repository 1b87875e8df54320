// Embedded PostgreSQL: PGlite persisted under DATA_DIR, served on a loopback socket by pglite-socket so the
// rest of the server reaches it with the same `pg` Pool and SQL as a real server. One replica only.
// PGlite is imported only when embedded mode is used: it is sizeable and a real server never needs it.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type DataDirLock, lockDataDir } from '../../data-lock.js';
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
  preparedStatements?: boolean;
}

/**
 * Memory settings of the embedded engine: PostgreSQL's 128MB of shared buffers live in PGlite's WebAssembly
 * heap and stay resident; 16MB (still hundreds of hot pages) roughly halves a warm server's memory. Durability
 * settings are left as PGlite has them.
 */
const PGLITE_OPTIONS = { postgresqlconf: ['shared_buffers = 16MB', 'wal_buffers = 1MB'] };

export async function createEmbeddedDatabase(
  opts: EmbeddedDatabaseOptions,
  log: Logger,
  health = new DependencyHealth('postgres', log),
): Promise<Database> {
  const dir = resolve(opts.dataDir, 'postgres');
  // First, so a second process on this DATA_DIR stops before loading anything.
  const lock = await lockDataDir(opts.dataDir);
  const firstStart = !existsSync(join(dir, 'PG_VERSION'));
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  log.info(
    { dataDir: dir, firstStart },
    firstStart
      ? 'embedded PostgreSQL (PGlite) starting: first start, creating the database (can take half a minute on a small machine)'
      : 'embedded PostgreSQL (PGlite) starting',
  );
  let db: PGliteInstance | undefined;
  try {
    const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite-socket'),
      mkdir(dir, { recursive: true }),
    ]);
    log.info({ ms: elapsed() }, 'embedded PostgreSQL: engine loaded');
    db = await PGlite.create({ dataDir: dir, ...PGLITE_OPTIONS });
    if (firstStart) {
      // Creating the cluster runs initdb in a WebAssembly instance of its own that stays resident with the
      // instance that ran it (about 400MB): reopen, so only the server's instance is kept.
      log.info({ ms: elapsed() }, 'embedded PostgreSQL: database created, reopening');
      await db.close();
      db = await PGlite.create({ dataDir: dir, ...PGLITE_OPTIONS });
    }
    log.info({ ms: elapsed(), firstStart }, 'embedded PostgreSQL: database open');
    return await serve(db, PGLiteSocketServer, opts, log, health, lock, started);
  } catch (err) {
    await db?.close().catch(() => {});
    await lock.release();
    throw err;
  }
}

type PGliteInstance = import('@electric-sql/pglite').PGlite;
type SocketServerClass = typeof import('@electric-sql/pglite-socket').PGLiteSocketServer;

async function serve(
  db: PGliteInstance,
  PGLiteSocketServer: SocketServerClass,
  opts: EmbeddedDatabaseOptions,
  log: Logger,
  health: DependencyHealth,
  lock: DataDirLock,
  started: number,
): Promise<Database> {
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
    { ms: Math.round(performance.now() - started) },
    'embedded PostgreSQL (PGlite) ready: data persisted under DATA_DIR; one replica only',
  );
  return poolDatabase('embedded', pgOpts, pool, health, async () => {
    try {
      await pool.end();
      await server.stop();
      await db.close();
    } finally {
      await lock.release();
    }
  });
}
