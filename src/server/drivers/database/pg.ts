// Real PostgreSQL through a `pg` Pool configured from DATABASE_URL (sslmode in the URL is honoured by pg).
// Deadlines: opening or waiting for a connection (connectionTimeoutMillis), each query on the client side
// (query_timeout, which also holds when the network stalls) and in the server (statement_timeout).
import pg from 'pg';
import type { Logger } from '../../logger.js';
import { DependencyHealth } from '../health.js';
import { type Database, runTransaction } from './database.js';

export interface PgDatabaseOptions {
  url: string;
  poolMax: number;
  /** Opening a connection, or waiting for a free one when the pool is full. */
  connectTimeoutMs: number;
  /** Client-side deadline and statement_timeout of every pooled query; DEFAULT_QUERY_TIMEOUT_MS if unset. */
  queryTimeoutMs?: number;
  /** statement_timeout of dedicated connections (migrations). */
  statementTimeoutMs: number;
  /** False: a query's `name` is ignored and every statement is sent unnamed. Default true. */
  preparedStatements?: boolean;
  applicationName?: string;
}

export const DEFAULT_QUERY_TIMEOUT_MS = 5000;
/** A dedicated connection's client gives up this long after the server should have cancelled. */
const DEDICATED_MARGIN_MS = 5000;

export function createPgPool(opts: PgDatabaseOptions, log: Logger, health?: DependencyHealth): pg.Pool {
  const queryTimeoutMs = opts.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolMax,
    connectionTimeoutMillis: opts.connectTimeoutMs,
    query_timeout: queryTimeoutMs,
    statement_timeout: queryTimeoutMs,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: opts.applicationName ?? 'paasport',
  });
  // An idle client losing its connection emits on the pool; without a listener that would crash the process.
  pool.on('error', (err) => {
    if (health) health.failed(err);
    else log.warn({ err }, 'idle database connection lost');
  });
  return pool;
}

/** The Database over a pool; shared by the real and the embedded driver, which differ only in close. */
export function poolDatabase(
  driver: Database['driver'],
  opts: PgDatabaseOptions,
  pool: pg.Pool,
  health: DependencyHealth,
  close: () => Promise<void>,
): Database {
  return {
    driver,
    url: opts.url,
    pool,
    query: (text, params, q) =>
      health.call(() =>
        pool.query(q?.name && opts.preparedStatements !== false ? { name: q.name, text } : text, params),
      ),
    transaction: (fn) => health.call(() => runTransaction(pool, fn)),
    dedicated: () =>
      health.call(async () => {
        const client = new pg.Client({
          connectionString: opts.url,
          connectionTimeoutMillis: opts.connectTimeoutMs,
          statement_timeout: opts.statementTimeoutMs,
          query_timeout: opts.statementTimeoutMs + DEDICATED_MARGIN_MS,
          application_name: opts.applicationName ?? 'paasport',
        });
        client.on('error', () => {});
        await client.connect();
        return client;
      }),
    ping: async () => {
      await health.call(() => pool.query('SELECT 1'));
    },
    close,
  };
}

export async function createPgDatabase(
  opts: PgDatabaseOptions,
  log: Logger,
  health = new DependencyHealth('postgres', log),
): Promise<Database> {
  const pool = createPgPool(opts, log, health);
  return poolDatabase('pg', opts, pool, health, () => pool.end());
}
