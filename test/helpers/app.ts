// The server in-process for tests: real drivers from a config built on test defaults plus overrides.
import { readdirSync } from 'node:fs';
import { loadConfig } from '../../src/server/config/load.js';
import { MIGRATIONS_DIR, migrate } from '../../src/server/db/migrate.js';
import type { Database } from '../../src/server/drivers/database/index.js';
import { createPgDatabase } from '../../src/server/drivers/database/pg.js';
import { type Logger, silentLogger } from '../../src/server/logger.js';
import { type RunningServer, startServer } from '../../src/server/server.js';
import { createTestDatabase, REDIS_URL, uid } from './services.js';

export interface TestServer extends RunningServer {
  url: string;
  close: () => Promise<void>;
}

export async function startTestServer(
  env: Record<string, string>,
  log: Logger = silentLogger(),
): Promise<TestServer> {
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', NODE_ENV: 'test', ...env });
  const running = await startServer(config, log);
  return { ...running, url: `http://127.0.0.1:${running.port}`, close: () => running.drain(2000) };
}

/** Names of the migrations shipped in the repo, as node-pg-migrate records them. */
export function migrationNames(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => f.replace(/\.sql$/, ''))
    .sort();
}

/** A throwaway database on the test server, migrated, behind the real pg driver; close drops it. */
export async function migratedTestDatabase(log: Logger = silentLogger()): Promise<{
  db: Database;
  close: () => Promise<void>;
}> {
  const testDb = await createTestDatabase();
  const db = await createPgDatabase(
    { url: testDb.url, poolMax: 8, connectTimeoutMs: 5000, statementTimeoutMs: 30_000 },
    log,
  );
  await migrate(db, log);
  return {
    db,
    close: async () => {
      await db.close();
      await testDb.drop();
    },
  };
}

/**
 * A server on its own throwaway database, sharing the test Redis under a prefix of its own, with one API
 * key: what most channel tests start. `env` adds or overrides settings; close also drops the database.
 */
export async function startServerOnTestDatabase(
  apiKey: string,
  env: Record<string, string> = {},
): Promise<TestServer> {
  const db = await createTestDatabase();
  const server = await startTestServer({
    DATABASE_URL: db.url,
    REDIS_URL,
    REDIS_KEY_PREFIX: `t-${uid()}:`,
    API_KEYS: apiKey,
    JWT_SECRET: 'x'.repeat(32),
    ...env,
  }).catch(async (err: unknown) => {
    await db.drop();
    throw err;
  });
  return {
    ...server,
    close: async () => {
      await server.close();
      await db.drop();
    },
  };
}
