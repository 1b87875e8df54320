// Object storage contract: S3/MinIO in production, a directory under DATA_DIR in embedded mode.
// Writes are all-or-nothing: an aborted or failed put leaves no object behind.
import type { Readable } from 'node:stream';

export interface ObjectInfo {
  key: string;
  size: number;
  lastModified: Date;
  contentType?: string;
}

/** Inclusive byte range, as in an HTTP Range header. */
export interface ByteRange {
  start: number;
  end: number;
}

export class ObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`object not found: ${key}`);
    this.name = 'ObjectNotFoundError';
  }
}

export interface ObjectStore {
  readonly driver: 's3' | 'filesystem';
  put(key: string, body: Readable, opts?: { contentType?: string; size?: number }): Promise<ObjectInfo>;
  /** Streams the object, or the given range of it. Throws ObjectNotFoundError. */
  get(key: string, range?: ByteRange): Promise<{ body: Readable; info: ObjectInfo }>;
  /** null when the object does not exist. */
  stat(key: string): Promise<ObjectInfo | null>;
  /** Idempotent: deleting a missing object succeeds. */
  delete(key: string): Promise<void>;
  /** Every object whose key starts with prefix, sorted by key. */
  list(prefix: string): Promise<ObjectInfo[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Rejects keys that could escape a directory or confuse S3 tooling. */
export function assertValidKey(key: string): void {
  if (
    key.length === 0 ||
    key.length > 1024 ||
    key.startsWith('/') ||
    key.split('/').some((part) => part === '' || part === '.' || part === '..') ||
    [...key].some((ch) => ch.charCodeAt(0) < 0x20 || ch === '\\')
  ) {
    throw new Error(`invalid object key: ${JSON.stringify(key)}`);
  }
}
