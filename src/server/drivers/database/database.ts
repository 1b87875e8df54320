// Database contract. Both implementations speak the PostgreSQL wire protocol through a `pg` Pool,
// so migrations and queries are the same SQL whether the server runs on real or embedded Postgres.
import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';

export interface Database {
  /** `pg` for a real server from DATABASE_URL, `embedded` for PGlite under DATA_DIR. */
  readonly driver: 'pg' | 'embedded';
  /** A URL that reaches this database, for tools such as the migration runner and pg_dump. */
  readonly url: string;
  readonly pool: Pool;
  query<R extends QueryResultRow = QueryResultRow>(text: string, params?: unknown[]): Promise<QueryResult<R>>;
  /** Runs fn inside BEGIN/COMMIT on one connection; any throw rolls back and is rethrown. */
  transaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T>;
  /** Round trip to the server; rejects when it is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function runTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
