// The system under test: three replicas (server processes) on their own PostgreSQL and Redis, the last one
// reaching both through fault proxies, behind nginx set up like CapRover's proxy. Knows how to stop, kill,
// freeze and restart a replica, how to bring everything back to health, and keeps every replica's output
// (all incarnations) for the log scan.
import pg from 'pg';
import {
  freePort,
  type ServerProcess,
  startS3,
  startServerProcess,
  uid,
  until,
} from '../helpers/services.js';
import { type Postgres, type Redis, startOwnPostgres, startOwnRedis } from './backing-services.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';
import { type Nginx, startNginx } from './nginx.js';

/** The replica whose PostgreSQL and Redis traffic goes through the fault proxies. */
export const FAULTY = 2;
export const REPLICAS = 3;

export interface Secrets {
  apiKey: string;
  jwtSecret: string;
  s3SecretKey: string;
}

export interface Replica {
  index: number;
  port: number;
  url: string;
  proc: ServerProcess | undefined;
  frozen: boolean;
}

export class Cluster {
  readonly #archive: string[] = [];
  #nginx: Nginx | undefined;

  private constructor(
    readonly pg: Postgres,
    readonly redis: Redis,
    readonly pgProxy: FaultProxy,
    readonly redisProxy: FaultProxy,
    readonly replicas: Replica[],
    readonly secrets: Secrets,
    readonly db: pg.Pool,
    private readonly env: (index: number) => Record<string, string>,
  ) {}

  static async start(): Promise<Cluster> {
    const [pgServer, redis, s3] = await Promise.all([startOwnPostgres(), startOwnRedis(), startS3()]);
    const pgProxy = await startFaultProxy({ host: '127.0.0.1', port: pgServer.port });
    const redisProxy = await startFaultProxy({ host: '127.0.0.1', port: redis.port });
    const secrets = {
      apiKey: `rel-key-${uid(16)}`,
      jwtSecret: `rel-jwt-${uid(24)}`,
      s3SecretKey: s3.secretKey,
    };
    const base = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      API_KEYS: secrets.apiKey,
      JWT_SECRET: secrets.jwtSecret,
      REDIS_KEY_PREFIX: `rel-${uid()}:`,
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY: s3.accessKey,
      S3_SECRET_KEY: s3.secretKey,
      S3_BUCKET: `rel-${uid()}`,
    };
    const viaProxy = (url: string, port: number) => {
      const u = new URL(url);
      u.port = String(port);
      return u.toString();
    };
    const ports = await Promise.all(Array.from({ length: REPLICAS }, () => freePort()));
    const env = (index: number) => ({
      ...base,
      PORT: String(ports[index]),
      DATABASE_URL: index === FAULTY ? viaProxy(pgServer.url, pgProxy.port) : pgServer.url,
      REDIS_URL: index === FAULTY ? viaProxy(redis.url, redisProxy.port) : redis.url,
    });
    const replicas = ports.map((port, index) => ({
      index,
      port,
      url: `http://127.0.0.1:${port}`,
      proc: undefined,
      frozen: false,
    }));
    const db = new pg.Pool({ connectionString: pgServer.url, max: 2 });
    db.on('error', () => {});
    const cluster = new Cluster(pgServer, redis, pgProxy, redisProxy, replicas, secrets, db, env);
    // The first one migrates; the others start against the migrated database.
    await cluster.startReplica(0);
    await Promise.all([1, 2].map((i) => cluster.startReplica(i)));
    cluster.#nginx = await startNginx(ports);
    return cluster;
  }

  get nginx(): Nginx {
    if (!this.#nginx) throw new Error('nginx is not started');
    return this.#nginx;
  }

  replica(i: number): Replica {
    const r = this.replicas[i];
    if (!r) throw new Error(`no replica ${i}`);
    return r;
  }

  async startReplica(i: number): Promise<void> {
    const r = this.replica(i);
    if (r.proc) this.#archive.push(r.proc.output());
    r.proc = undefined;
    r.proc = await startServerProcess(this.env(i), { readyTimeoutMs: 60_000 });
  }

  /** Sends the signal and waits for the process to exit (bounded); the replica stays down. */
  async stopReplica(i: number, signal: 'SIGTERM' | 'SIGKILL'): Promise<number | null> {
    const r = this.replica(i);
    if (!r.proc || r.proc.proc.exitCode !== null) return null;
    const timeout = new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), 15_000).unref());
    const code = await Promise.race([r.proc.stop(signal), timeout]);
    if (code === 'timeout') return r.proc.stop('SIGKILL');
    return code;
  }

  freeze(i: number): void {
    this.replica(i).proc?.proc.kill('SIGSTOP');
    this.replica(i).frozen = true;
  }

  thaw(i: number): void {
    this.replica(i).proc?.proc.kill('SIGCONT');
    this.replica(i).frozen = false;
  }

  /** Undoes whatever a scenario left behind, then waits until every replica reports ready. */
  async heal(): Promise<void> {
    this.pgProxy.heal();
    this.redisProxy.heal();
    this.redis.resume();
    if (!(await this.redis.listening())) await this.redis.start();
    const pgUp = await this.db.query('SELECT 1').then(
      () => true,
      () => false,
    );
    if (!pgUp) await this.pg.start().catch(() => {});
    for (const r of this.replicas) {
      if (r.frozen) this.thaw(r.index);
      if (!r.proc || r.proc.proc.exitCode !== null || r.proc.proc.signalCode !== null)
        await this.startReplica(r.index);
    }
    await until(
      'every replica to be ready',
      async () => {
        const ok = await Promise.all(
          this.replicas.map((r) =>
            fetch(`${r.url}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
              (res) => res.status === 200,
              () => false,
            ),
          ),
        );
        return ok.every(Boolean) ? true : undefined;
      },
      60_000,
      250,
    );
  }

  /** Output of every replica process started so far. */
  logs(): string {
    return [...this.#archive, ...this.replicas.map((r) => r.proc?.output() ?? '')].join('\n');
  }

  async close(): Promise<void> {
    for (const r of this.replicas) if (r.frozen) this.thaw(r.index);
    await Promise.all(this.replicas.map((r) => this.stopReplica(r.index, 'SIGKILL')));
    await this.#nginx?.stop();
    await Promise.all([this.pgProxy.close(), this.redisProxy.close()]);
    await this.db.end().catch(() => {});
    await Promise.all([this.redis.close(), this.pg.close()]);
  }
}
