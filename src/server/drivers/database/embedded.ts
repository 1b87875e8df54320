// Embedded PostgreSQL: PGlite persisted under DATA_DIR, served on a loopback socket by pglite-socket so the
// rest of the server reaches it with the same `pg` Pool and SQL as a real server. One replica only.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { Logger } from '../../logger.js';
import type { Database } from './database.js';
import { runTransaction } from './database.js';
import { createPgPool } from './pg.js';

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  poolMax: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
}

export async function createEmbeddedDatabase(opts: EmbeddedDatabaseOptions, log: Logger): Promise<Database> {
  const dir = resolve(opts.dataDir, 'postgres');
  await mkdir(dir, { recursive: true });
  const db = await PGlite.create({ dataDir: dir });
  // PGlite runs one session; the socket server multiplexes pool connections onto it, keeping transactions whole.
  const maxConnections = Math.min(opts.poolMax, 4);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  await server.start();
  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  const pool = createPgPool({ ...opts, url, poolMax: maxConnections }, log);
  log.info(
    { dataDir: join(dir) },
    'embedded PostgreSQL (PGlite) started: data persisted under DATA_DIR; one replica only',
  );
  return {
    driver: 'embedded',
    url,
    pool,
    query: (text, params) => pool.query(text, params),
    transaction: (fn) => runTransaction(pool, fn),
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: async () => {
      await pool.end();
      await server.stop();
      await db.close();
    },
  };
}
