// Throwaway PostgreSQL databases for benchmark runs: each run gets a fresh database, dropped afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Base URL of the local PostgreSQL (trust auth); override with BENCH_PG_URL. */
export const PG_BASE = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function dbUrl(name: string): string {
  return `${PG_BASE}/${name}`;
}

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createDatabase(prefix: string): Promise<string> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await withClient(dbUrl('postgres'), (c) => c.query(`CREATE DATABASE ${name}`));
  return name;
}

export async function dropDatabase(name: string): Promise<void> {
  await withClient(dbUrl('postgres'), (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

export async function serverVersion(): Promise<string> {
  try {
    return await withClient(dbUrl('postgres'), async (c) => {
      const { rows } = await c.query('SHOW server_version');
      return String(rows[0].server_version);
    });
  } catch {
    return 'unavailable';
  }
}
