// The server in-process for tests: real drivers from a config built on test defaults plus overrides.
import { readdirSync } from 'node:fs';
import { loadConfig } from '../../src/server/config/load.js';
import { MIGRATIONS_DIR } from '../../src/server/db/migrate.js';
import { type Logger, silentLogger } from '../../src/server/logger.js';
import { type RunningServer, startServer } from '../../src/server/server.js';

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
