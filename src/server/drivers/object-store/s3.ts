// S3/MinIO object storage through the `minio` client. The bucket is created at start when missing.
// Every request is bounded by S3_REQUEST_TIMEOUT of silence (s3-agent.ts); an unreachable, stalled or
// overloaded store rejects with the `unavailable` DomainError.
import type { Agent } from 'node:http';
import type { Readable } from 'node:stream';
import * as Minio from 'minio';
import type { Config } from '../../config/load.js';
import type { Logger } from '../../logger.js';
import { DependencyHealth } from '../health.js';
import { assertValidKey, type ObjectInfo, ObjectNotFoundError, type ObjectStore } from './object-store.js';
import { deadlineAgent } from './s3-agent.js';
import { streamToS3 } from './s3-upload.js';

export interface S3Store extends ObjectStore {
  readonly driver: 's3';
  readonly client: Minio.Client;
  /** A client addressed at S3_PUBLIC_ENDPOINT, for presigned URLs handed to browsers. */
  readonly publicClient: Minio.Client;
  readonly bucket: string;
}

/** A client whose requests die after cfg.requestTimeoutMs of silence; the agent is kept for close(). */
export function minioClient(
  endpoint: string,
  cfg: Config['storage'],
): { client: Minio.Client; agent: Agent } {
  const u = new URL(endpoint);
  const useSSL = u.protocol === 'https:';
  const agent = deadlineAgent(useSSL, cfg.requestTimeoutMs);
  const client = new Minio.Client({
    endPoint: u.hostname,
    port: u.port ? Number(u.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: cfg.accessKey ?? '',
    secretKey: cfg.secretKey ?? '',
    region: cfg.region,
    pathStyle: cfg.pathStyle,
    transportAgent: agent,
  });
  return { client, agent };
}

const isNotFound = (err: unknown) => {
  const code = (err as { code?: string }).code;
  return code === 'NoSuchKey' || code === 'NotFound' || code === 'NoSuchObject';
};

export async function createS3Store(
  cfg: Config['storage'],
  log: Logger,
  health = new DependencyHealth('storage', log),
): Promise<S3Store> {
  const internal = minioClient(cfg.endpoint!, cfg);
  // Presigning is local (the region is configured), so the public client never opens a connection.
  const { client } = internal;
  const { client: publicClient } = minioClient(cfg.publicEndpoint ?? cfg.endpoint!, cfg);
  const { bucket } = cfg;
  const call = <T>(fn: () => Promise<T>) => health.call(fn);
  if (!(await call(() => client.bucketExists(bucket)))) {
    try {
      await call(() => client.makeBucket(bucket, cfg.region));
      log.info({ bucket }, 'created bucket');
    } catch (err) {
      // Another replica may have created it between our check and our call.
      const code = (err as { code?: string }).code;
      if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw err;
    }
  }

  async function stat(key: string): Promise<ObjectInfo | null> {
    assertValidKey(key);
    try {
      const s = await call(() => client.statObject(bucket, key));
      const contentType = s.metaData?.['content-type'] as string | undefined;
      return { key, size: s.size, lastModified: s.lastModified, ...(contentType ? { contentType } : {}) };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  return {
    driver: 's3',
    client,
    publicClient,
    bucket,
    put: async (key: string, body: Readable, opts = {}) => {
      assertValidKey(key);
      await call(() => streamToS3(client, bucket, key, body, opts));
      return (await stat(key))!;
    },
    get: async (key, range) => {
      const info = await stat(key);
      if (!info) throw new ObjectNotFoundError(key);
      const body = await call(() =>
        range
          ? client.getPartialObject(bucket, key, range.start, range.end - range.start + 1)
          : client.getObject(bucket, key),
      );
      return { body, info };
    },
    stat,
    delete: async (key) => {
      assertValidKey(key);
      await call(() => client.removeObject(bucket, key));
    },
    list: (prefix) =>
      call(async () => {
        const out: ObjectInfo[] = [];
        for await (const item of client.listObjectsV2(bucket, prefix, true)) {
          const obj = item as { name?: string; size: number; lastModified: Date };
          if (obj.name) out.push({ key: obj.name, size: obj.size, lastModified: obj.lastModified });
        }
        return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      }),
    ping: async () => {
      if (!(await call(() => client.bucketExists(bucket)))) {
        throw new Error(`bucket ${bucket} does not exist`);
      }
    },
    close: async () => {
      internal.agent.destroy();
    },
  };
}
