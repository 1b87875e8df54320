// The peers paasport is measured against, as deployable targets: bare `ws` (naive and batched),
// Socket.IO with the Redis adapter (and its in-memory recovery variant), Express + pg and the naive
// node:http + pg floor (Centrifugo is in centrifugo.ts).
import { randomBytes } from 'node:crypto';
import { createDatabase, dbUrl, dropDatabase, REDIS_URL } from '../lib/pg.js';
import { deleteRedisPrefix } from './redis-cleanup.js';
import { type Deployment, type Server, startServer, stopAll, type Target } from './server.js';

const peer = (file: string) => new URL(`../peers/${file}`, import.meta.url).pathname;

function wsPeer(mode: 'naive' | 'batched'): Target {
  return {
    id: `ws-${mode}`,
    label: mode === 'naive' ? 'bare ws (send per client)' : 'bare ws (frame once + cork)',
    protocol: 'json',
    multiReplica: false,
    async deploy() {
      const server = await startServer({
        name: `ws-${mode}`,
        script: peer('ws-broadcast.ts'),
        args: [mode],
        tsx: true,
        clientUrl: (port) => `ws://127.0.0.1:${port}/v1/ws`,
      });
      return { servers: [server], protocol: 'json', apiKey: '', stop: () => stopAll([server]) };
    },
  };
}

function socketIo(recovery: boolean): Target {
  return {
    id: recovery ? 'socketio-recovery' : 'socketio-redis',
    label: recovery ? 'Socket.IO (in-memory, state recovery)' : 'Socket.IO + Redis adapter',
    protocol: 'socketio',
    multiReplica: !recovery,
    async deploy({ replicas }): Promise<Deployment> {
      const prefix = `bench-sio-${randomBytes(4).toString('hex')}`;
      const servers: Server[] = [];
      try {
        for (let i = 0; i < replicas; i++) {
          servers.push(
            await startServer({
              name: `socketio-${i}`,
              script: peer('socketio-redis.ts'),
              args: recovery ? ['--recovery'] : [],
              tsx: true,
              env: { REDIS_URL, REDIS_KEY_PREFIX: prefix },
              clientUrl: (port) => `http://127.0.0.1:${port}`,
            }),
          );
        }
      } catch (err) {
        await stopAll(servers);
        throw err;
      }
      return {
        servers,
        protocol: 'socketio',
        apiKey: '',
        stop: async () => {
          await stopAll(servers);
          await deleteRedisPrefix(prefix);
        },
      };
    },
  };
}

export const expressPg: Target = {
  id: 'express-pg',
  label: 'Express + pg (INSERT per request)',
  protocol: 'json',
  multiReplica: false,
  /** With `env.DATABASE_URL` it serves an existing database (counts on paasport's table) and leaves it. */
  async deploy({ env }): Promise<Deployment> {
    const own = env?.DATABASE_URL === undefined;
    const db = own ? await createDatabase('bench_peer') : '';
    const url = own ? dbUrl(db) : env!.DATABASE_URL!;
    const drop = async () => {
      if (own) await dropDatabase(db);
    };
    try {
      const server = await startServer({
        name: 'express-pg',
        script: peer('express-pg.ts'),
        tsx: true,
        env: { ...env, DATABASE_URL: url },
        clientUrl: () => '',
      });
      return {
        servers: [server],
        protocol: 'json',
        apiKey: '',
        databaseUrl: url,
        stop: async () => {
          await stopAll([server]);
          await drop();
        },
      };
    } catch (err) {
      await drop();
      throw err;
    }
  },
};

/** The naive floor of persisted publishing: node:http, one INSERT per request, its own database. */
export const naiveHttp: Target = {
  id: 'naive-http',
  label: 'node:http + pg (naive floor)',
  protocol: 'json',
  multiReplica: false,
  async deploy(): Promise<Deployment> {
    const db = await createDatabase('bench_naive');
    try {
      const server = await startServer({
        name: 'naive-http',
        script: peer('naive-http.ts'),
        tsx: true,
        env: { DATABASE_URL: dbUrl(db) },
        clientUrl: () => '',
      });
      return {
        servers: [server],
        protocol: 'json',
        apiKey: '',
        databaseUrl: dbUrl(db),
        stop: async () => {
          await stopAll([server]);
          await dropDatabase(db);
        },
      };
    } catch (err) {
      await dropDatabase(db);
      throw err;
    }
  },
};

export const wsNaive = wsPeer('naive');
export const wsBatched = wsPeer('batched');
export const socketIoRedis = socketIo(false);
export const socketIoRecovery = socketIo(true);
