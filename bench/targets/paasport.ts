// paasport itself as a target: the compiled server (`dist/server/main.js`) with real PostgreSQL and Redis,
// a fresh database and Redis prefix per deployment, and rate limits raised so the load is not throttled.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createDatabase, dbUrl, dropDatabase, REDIS_URL } from '../lib/pg.js';
import { ROOT } from '../lib/proc.js';
import { deleteRedisPrefix } from './redis-cleanup.js';
import { type Deployment, type Server, startServer, stopAll, type Target } from './server.js';

export const MAIN = join(ROOT, 'dist/server/main.js');
export const CLI = join(ROOT, 'dist/cli.js');

/**
 * Limits that would throttle a benchmark client on loopback (one IP, one key). Names are those of
 * docs/configuration.md; unknown names are ignored by the server.
 */
export const LOAD_ENV: Record<string, string> = {
  RATE_LIMIT_ENABLED: 'false',
  WS_MAX_CONNECTIONS: '100000',
};

/** Builds once per harness run; paasport scenarios are skipped (with the reason) if it fails. */
export async function buildPaasport(skipBuild: boolean): Promise<{ ok: boolean; reason: string }> {
  if (!skipBuild) {
    try {
      await promisify(execFile)('npm', ['run', 'build'], {
        cwd: ROOT,
        maxBuffer: 16 << 20,
        timeout: 300_000,
      });
    } catch (err) {
      const out = err as { stdout?: string; stderr?: string; message: string };
      const detail = `${out.stdout ?? ''}${out.stderr ?? ''}`
        .split('\n')
        .filter((l) => /error/i.test(l) && !l.startsWith('npm warn'))
        .slice(0, 3)
        .join(' / ');
      return { ok: false, reason: `npm run build failed: ${detail || out.message}` };
    }
  }
  if (!existsSync(MAIN)) return { ok: false, reason: 'dist/server/main.js does not exist' };
  return { ok: true, reason: '' };
}

export function paasportEnv(database: string, prefix: string, apiKey: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATABASE_URL: dbUrl(database),
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    API_KEYS: apiKey,
    JWT_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    ...LOAD_ENV,
  };
}

export const paasport: Target = {
  id: 'paasport',
  label: 'paasport (Postgres + Redis)',
  protocol: 'json',
  multiReplica: true,
  async deploy({ replicas, env, nodeArgs }): Promise<Deployment> {
    const db = await createDatabase('bench_paasport');
    const prefix = `bench-${randomBytes(4).toString('hex')}:`;
    const apiKey = randomBytes(24).toString('hex');
    const base = { ...paasportEnv(db, prefix, apiKey), ...env };
    const servers: Server[] = [];
    const cleanup = async () => {
      await stopAll(servers);
      await dropDatabase(db).catch(() => {});
      await deleteRedisPrefix(prefix);
    };
    try {
      // The first replica runs the migrations; the others start against a migrated database.
      for (let i = 0; i < replicas; i++) {
        servers.push(
          await startServer({
            name: `paasport-${i}`,
            script: MAIN,
            env: base,
            ...(nodeArgs ? { nodeArgs } : {}),
            readyTimeoutMs: 90_000,
            clientUrl: (port) => `ws://127.0.0.1:${port}/v1/ws?token=${apiKey}`,
          }),
        );
      }
    } catch (err) {
      await cleanup();
      throw err;
    }
    return { servers, protocol: 'json', apiKey, databaseUrl: dbUrl(db), stop: cleanup };
  },
};

/** The same server publishing through POST /v1/publish-batch (batches of BATCH_SIZE messages). */
export const paasportBatch: Target = {
  ...paasport,
  id: 'paasport-batch',
  label: 'paasport (HTTP batch of 20)',
};
/** The same server publishing over WebSocket, each publish answered by an ack frame once committed. */
export const paasportWs: Target = {
  ...paasport,
  id: 'paasport-ws',
  label: 'paasport (WebSocket publish + ack)',
};
