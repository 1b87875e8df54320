// Local stand-ins for a deployment's PostgreSQL, Redis and S3: what each backing service would be started
// with (read from its own resolved config, not from the app's URLs), a real server configured the same way on
// 127.0.0.1, and the rewrite of the app's host names to those servers, so a wrong credential still fails.
import * as Minio from 'minio';
import pg from 'pg';
import { startMinio, startRedis } from '../../../scripts/test-services.mjs';
import type { ResolvedService } from './compose-resolve.js';

export type Backing =
  | { kind: 'postgres'; hosts: string[]; port: number; user: string; password: string; database: string }
  | { kind: 'redis'; hosts: string[]; port: number; password?: string }
  | {
      kind: 's3';
      hosts: string[];
      port: number;
      accessKey: string;
      secretKey: string;
      region?: string;
      /** A platform bucket: it exists before the app starts and answers with virtual-hosted names at origin. */
      hosted?: { origin: string; bucket: string };
    };

const words = (v: string[] | string | undefined) => (Array.isArray(v) ? v : (v ?? '').split(/\s+/)).join(' ');
const after = (text: string, flag: string) => new RegExp(`${flag}[ =](\\S+)`).exec(text)?.[1];
const imageName = (image = '') => image.split(':')[0]?.split('/').pop() ?? '';

/**
 * The backing services of a compose-like deployment, recognised by image, with the credentials their own
 * environment and command give them (as the official images read them) and the names others reach them by.
 */
export function backingOf(
  services: Record<string, ResolvedService>,
  hostsOf: (service: string) => string[],
): { backing: Backing[]; problems: string[] } {
  const backing: Backing[] = [];
  const problems: string[] = [];
  for (const [name, svc] of Object.entries(services)) {
    const env = svc.environment;
    const image = imageName(svc.image);
    const command = words(svc.command);
    if (/^(postgres|pgvector|postgis)/.test(image)) {
      const user = env.POSTGRES_USER || 'postgres';
      if (!env.POSTGRES_PASSWORD)
        problems.push(`${name}: the postgres image refuses to start without POSTGRES_PASSWORD`);
      backing.push({
        kind: 'postgres',
        hosts: hostsOf(name),
        port: 5432,
        user,
        password: env.POSTGRES_PASSWORD ?? '',
        database: env.POSTGRES_DB || user,
      });
    } else if (/^(redis|valkey)$/.test(image)) {
      const password = after(command, '--requirepass');
      backing.push({
        kind: 'redis',
        hosts: hostsOf(name),
        port: Number(after(command, '--port') ?? 6379),
        ...(password ? { password } : {}),
      });
    } else if (image === 'minio' && !svc.entrypoint && /(^|\s)server(\s|$)/.test(command)) {
      const region = env.MINIO_SITE_REGION || env.MINIO_REGION;
      backing.push({
        kind: 's3',
        hosts: hostsOf(name),
        port: Number(after(command, '--address')?.split(':').pop() ?? 9000),
        accessKey: env.MINIO_ROOT_USER || 'minioadmin',
        secretKey: env.MINIO_ROOT_PASSWORD || 'minioadmin',
        ...(region ? { region } : {}),
      });
    }
  }
  return { backing, problems };
}

export interface Rewrite {
  from: RegExp;
  to: string;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const hostPort = (host: string, port: number, to: string): Rewrite => ({
  from: new RegExp(`(?<=//|@)${escapeRegex(host)}:${port}(?=[/?#]|$)`, 'g'),
  to,
});

export interface StandIns {
  rewrites: Rewrite[];
  /** Names the app must resolve to reach a stand-in (virtual-hosted buckets). */
  hosts: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts a stand-in for each backing service: a role and database on `postgres` (a cluster that checks
 * passwords on TCP; `url` is its admin), a Redis and a MinIO of its own.
 */
export async function startStandIns(
  backing: Backing[],
  postgres: { url: string; port: number },
  parent?: string,
): Promise<StandIns> {
  const pgAdminUrl = postgres.url;
  const rewrites: Rewrite[] = [];
  const hosts: Record<string, string> = {};
  const stops: (() => Promise<void>)[] = [];
  const admin = new pg.Client({ connectionString: pgAdminUrl });
  await admin.connect();
  try {
    for (const b of backing) {
      if (b.kind === 'postgres') {
        const [role, db] = [admin.escapeIdentifier(b.user), admin.escapeIdentifier(b.database)];
        const existed =
          (await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [b.user])).rowCount === 1;
        // The image makes POSTGRES_USER the cluster's superuser, owner of POSTGRES_DB.
        await admin.query(
          `${existed ? 'ALTER' : 'CREATE'} ROLE ${role} WITH LOGIN SUPERUSER PASSWORD ${admin.escapeLiteral(b.password)}`,
        );
        await admin.query(`CREATE DATABASE ${db} OWNER ${role}`);
        stops.push(() => dropDatabase(pgAdminUrl, db, existed ? undefined : role));
        for (const h of b.hosts) rewrites.push(hostPort(h, b.port, `127.0.0.1:${postgres.port}`));
      } else if (b.kind === 'redis') {
        const redis = await startRedis({ parent, ...(b.password ? { password: b.password } : {}) });
        stops.push(redis.stop);
        for (const h of b.hosts) rewrites.push(hostPort(h, b.port, `127.0.0.1:${redis.port}`));
      } else {
        const env: Record<string, string> = {};
        if (b.region) env.MINIO_SITE_REGION = b.region;
        const origin = b.hosted ? new URL(b.hosted.origin) : undefined;
        if (origin) env.MINIO_DOMAIN = origin.hostname;
        const minio = await startMinio({ parent, accessKey: b.accessKey, secretKey: b.secretKey, env });
        stops.push(minio.stop);
        const port = Number(new URL(minio.endpoint).port);
        for (const h of b.hosts) rewrites.push(hostPort(h, b.port, `127.0.0.1:${port}`));
        if (b.hosted && origin) {
          const client = new Minio.Client({
            endPoint: '127.0.0.1',
            port,
            useSSL: false,
            accessKey: b.accessKey,
            secretKey: b.secretKey,
            pathStyle: true,
            ...(b.region ? { region: b.region } : {}),
          });
          await client.makeBucket(b.hosted.bucket, b.region);
          // Same name, plain HTTP on the stand-in's port; the name and the bucket's name resolve to loopback.
          rewrites.push({
            from: new RegExp(`^${escapeRegex(origin.origin)}(?=[/?#]|$)`, 'g'),
            to: `http://${origin.hostname}:${port}`,
          });
          hosts[origin.hostname] = '127.0.0.1';
          hosts[`${b.hosted.bucket}.${origin.hostname}`] = '127.0.0.1';
        }
      }
    }
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    throw err;
  } finally {
    await admin.end();
  }
  return {
    rewrites,
    hosts,
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}

async function dropDatabase(adminUrl: string, db: string, role: string | undefined): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  if (role) await admin.query(`DROP ROLE IF EXISTS ${role}`);
  await admin.end();
}

/** The app's env with each backing service's address replaced by its stand-in's; `changed` names the keys. */
export function rewriteEnv(
  env: Record<string, string>,
  rewrites: Rewrite[],
): { env: Record<string, string>; changed: string[] } {
  const out: Record<string, string> = {};
  const changed: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    out[k] = rewrites.reduce((value, r) => value.replace(r.from, r.to), v);
    if (out[k] !== v) changed.push(k);
  }
  return { env: out, changed };
}

/**
 * URL values that still address the deployment's private network after the rewrite: a host of `internal`
 * (a name, or a suffix starting with `.`) or any single-label name, which only the platform's DNS resolves.
 * Such a value has a host or port no backing service answers at.
 */
export function internalHostsLeft(env: Record<string, string>, internal: string[]): string[] {
  const isInternal = (host: string) =>
    (!host.includes('.') && host !== 'localhost' && !host.startsWith('[')) ||
    internal.some((h) => (h.startsWith('.') ? host.endsWith(h) : host === h));
  const hostOf = (v: string) => {
    try {
      return new URL(v).hostname;
    } catch {
      return undefined;
    }
  };
  return Object.entries(env)
    .filter(([, v]) => {
      const host = hostOf(v);
      return host !== undefined && host !== '' && isInternal(host);
    })
    .map(([k, v]) => `${k}=${v}`);
}
