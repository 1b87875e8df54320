// Centrifugo v6 (Go) as a peer, built from source by `scripts/tools.sh centrifugo` into .tools/bin when
// missing: with its Redis engine (history and recovery in Redis) or its PostgreSQL broker (history in
// PostgreSQL). Clients connect anonymously (client.insecure) and speak its JSON protocol; the harness
// publishes through its HTTP API with an API key. Every deployment gets a fresh database or Redis prefix.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createDatabase, dbUrl, dropDatabase, REDIS_URL } from '../lib/pg.js';
import { LOG_DIR, ROOT } from '../lib/proc.js';
import { deleteRedisPrefix } from './redis-cleanup.js';
import { type Deployment, startServer, stopAll, type Target } from './server.js';

export const CENTRIFUGO = join(ROOT, '.tools/bin/centrifugo');

/** The pinned version, as scripts/tools.sh records it once built. */
export function centrifugoVersion(): string {
  try {
    return readFileSync(join(ROOT, '.tools/stamps/centrifugo'), 'utf8').trim();
  } catch {
    return 'not built';
  }
}

/** Builds Centrifugo if it is missing (minutes on first use; cached in .tools/ afterwards). */
export async function ensureCentrifugo(log: (m: string) => void): Promise<void> {
  if (existsSync(CENTRIFUGO)) return;
  log('centrifugo: building from source (scripts/tools.sh centrifugo)');
  await promisify(execFile)('bash', [join(ROOT, 'scripts/tools.sh'), 'centrifugo'], {
    cwd: ROOT,
    maxBuffer: 16 << 20,
    timeout: 1_800_000,
  });
}

function config(port: number, apiKey: string, backend: Record<string, unknown>): Record<string, unknown> {
  return {
    http_server: { address: '127.0.0.1', port },
    http_api: { key: apiKey },
    client: { insecure: true, recovery_max_publication_limit: 1000 },
    // Recovery needs a stream long enough for the missed messages; the publish scenario fills 10 channels.
    channel: { without_namespace: { history_size: 1_000_000, history_ttl: '3600s', force_recovery: true } },
    health: { enabled: true },
    log: { level: 'error' },
    ...backend,
  };
}

function centrifugo(kind: 'redis' | 'pg'): Target {
  return {
    id: `centrifugo-${kind}`,
    label: kind === 'redis' ? 'Centrifugo v6 (Redis engine)' : 'Centrifugo v6 (PostgreSQL broker)',
    protocol: 'centrifugo',
    multiReplica: false,
    async deploy(): Promise<Deployment> {
      await ensureCentrifugo(console.log);
      const apiKey = randomBytes(16).toString('hex');
      const db = kind === 'pg' ? await createDatabase('bench_centrifugo') : '';
      const prefix = `bench-cf-${randomBytes(4).toString('hex')}`;
      const redisAddress = REDIS_URL.replace(/^redis:\/\//, '');
      const backend =
        kind === 'redis'
          ? { engine: { type: 'redis', redis: { address: redisAddress, prefix } } }
          : {
              broker: {
                enabled: true,
                type: 'postgres',
                postgres: { dsn: `${dbUrl(db)}?sslmode=disable`, use_notify: true },
              },
            };
      const cleanup = async () => {
        if (kind === 'pg') await dropDatabase(db).catch(() => {});
        else await deleteRedisPrefix(prefix);
      };
      mkdirSync(LOG_DIR, { recursive: true });
      try {
        const server = await startServer({
          name: `centrifugo-${kind}`,
          script: CENTRIFUGO,
          binary: true,
          argsFor: (port) => {
            const file = join(LOG_DIR, `centrifugo-${kind}-${port}.json`);
            writeFileSync(file, JSON.stringify(config(port, apiKey, backend)));
            return ['--config', file];
          },
          readyPath: '/health',
          clientUrl: (port) => `ws://127.0.0.1:${port}/connection/websocket`,
        });
        return {
          servers: [server],
          protocol: 'centrifugo',
          apiKey,
          ...(kind === 'pg' ? { databaseUrl: dbUrl(db) } : {}),
          stop: async () => {
            await stopAll([server]);
            await cleanup();
          },
        };
      } catch (err) {
        await cleanup();
        throw err;
      }
    },
  };
}

export const centrifugoRedis = centrifugo('redis');
export const centrifugoPg = centrifugo('pg');
