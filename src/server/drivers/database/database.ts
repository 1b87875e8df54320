// Database contract. Both implementations speak the PostgreSQL wire protocol through a `pg` Pool,
// so migrations and queries are the same SQL whether the server runs on real or embedded Postgres.
// Every call has a deadline; an unreachable, stalled or shutting-down server rejects with `unavailable`.
import type { Client, Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { isOutage } from '../outage.js';

export interface QueryOptions {
  /**
   * Prepares the statement once per connection under this name, so later calls skip parsing and planning:
   * for the hot statements (the publish append). Needs a direct connection or a pooler that keeps prepared
   * statements (PgBouncer 1.21+ with max_prepared_statements).
   */
  name?: string;
}

export interface Database {
  /** `pg` for a real server from DATABASE_URL, `embedded` for PGlite under DATA_DIR. */
  readonly driver: 'pg' | 'embedded';
  /** A URL that reaches this database, for tools such as the migration runner and pg_dump. */
  readonly url: string;
  readonly pool: Pool;
  /**
   * One query on a pooled connection, within the query deadline (DATABASE_QUERY_TIMEOUT) plus the wait
   * for a connection (DATABASE_CONNECT_TIMEOUT). An outage rejects with the `unavailable` DomainError.
   */
  query<R extends QueryResultRow = QueryResultRow>(
    text: string,
    params?: unknown[],
    opts?: QueryOptions,
  ): Promise<QueryResult<R>>;
  /** Runs fn inside BEGIN/COMMIT on one connection; any throw rolls back and is rethrown. */
  transaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T>;
  /**
   * A connection of its own, outside the pool, whose statements may run for DATABASE_STATEMENT_TIMEOUT
   * (migrations). The caller ends it.
   */
  dedicated(): Promise<Client>;
  /** Round trip to the server; rejects when it is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const ignore = () => {};

export async function runTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A connection lost while checked out is emitted as 'error' on the client: unheard, it would crash the
  // process. The failure also reaches the query in flight, which is what reports it.
  client.on('error', ignore);
  let broken: unknown;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // A dead or stalled connection cannot roll back; dropping it makes the server roll back instead.
    if (isOutage(err)) broken = err;
    else await client.query('ROLLBACK').catch((e: unknown) => (broken = e));
    throw err;
  } finally {
    client.off('error', ignore);
    client.release(broken !== undefined);
  }
}
