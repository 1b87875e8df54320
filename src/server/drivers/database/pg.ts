// Real PostgreSQL through a `pg` Pool configured from DATABASE_URL (sslmode in the URL is honoured by pg).
import pg from 'pg';
import type { Logger } from '../../logger.js';
import { type Database, runTransaction } from './database.js';

export interface PgDatabaseOptions {
  url: string;
  poolMax: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  applicationName?: string;
}

export function createPgPool(opts: PgDatabaseOptions, log: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolMax,
    connectionTimeoutMillis: opts.connectTimeoutMs,
    statement_timeout: opts.statementTimeoutMs,
    idleTimeoutMillis: 30_000,
    application_name: opts.applicationName ?? 'paasport',
  });
  // An idle client losing its connection emits on the pool; without a listener that would crash the process.
  pool.on('error', (err) => log.warn({ err }, 'idle database connection lost'));
  return pool;
}

export async function createPgDatabase(opts: PgDatabaseOptions, log: Logger): Promise<Database> {
  const pool = createPgPool(opts, log);
  return {
    driver: 'pg',
    url: opts.url,
    pool,
    query: (text, params) => pool.query(text, params),
    transaction: (fn) => runTransaction(pool, fn),
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
