// File operations on top of the object store and the metadata table: streamed uploads, direct (presigned)
// uploads and their completion, deletion and the sweep of abandoned uploads. Every failure path removes
// what it created, so a refused or aborted upload leaves neither an object nor a row.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Principal } from '../auth/principal.js';
import type { Database } from '../drivers/database/index.js';
import type { ObjectStore } from '../drivers/object-store/index.js';
import { HttpError } from '../http/errors.js';
import type { Logger } from '../logger.js';
import { assertCanComplete, assertCanDelete, assertCanUpload, ownerOf } from './access.js';
import { tooLarge, UploadMeter } from './meter.js';
import { mediaType, sanitizeName, typeAllowed } from './names.js';
import { type FileRecord, FileRepository, newFileId, objectKey } from './repository.js';

export interface FileLimits {
  maxBytes: number;
  allowedTypes: string[];
  presignTtlMs: number;
}

/** Pending rows outlive their URL by a day, so an upload started just before expiry can still finish. */
const PENDING_GRACE_MS = 24 * 3600_000;

export class FileService {
  readonly repo: FileRepository;

  constructor(
    db: Database,
    readonly store: ObjectStore,
    readonly limits: FileLimits,
    private readonly log: Logger,
  ) {
    this.repo = new FileRepository(db);
  }

  /** The type to store, or 415. A missing type is stored as application/octet-stream. */
  checkType(header: string | undefined): string {
    const type = header === undefined || header === '' ? 'application/octet-stream' : mediaType(header);
    if (!type) throw new HttpError(415, 'unsupported_media_type', `not a valid content type: ${header}`);
    if (!typeAllowed(type, this.limits.allowedTypes)) {
      throw new HttpError(415, 'unsupported_media_type', `content type ${type} is not allowed`, {
        details: { allowed: this.limits.allowedTypes },
      });
    }
    return type;
  }

  checkSize(size: number | undefined): void {
    if (size !== undefined && size > this.limits.maxBytes) throw tooLarge(this.limits.maxBytes);
  }

  /** Streams one upload into the store; the row turns ready only after the object is complete. */
  async upload(
    principal: Principal,
    src: {
      stream: Readable;
      name?: string | undefined;
      contentType?: string | undefined;
      declaredSize?: number | undefined;
    },
  ): Promise<FileRecord> {
    assertCanUpload(principal);
    const contentType = this.checkType(src.contentType);
    this.checkSize(src.declaredSize);
    const id = newFileId();
    await this.repo.insertPending({
      id,
      name: sanitizeName(src.name),
      contentType,
      size: src.declaredSize ?? 0,
      owner: ownerOf(principal),
      expiresAt: new Date(Date.now() + PENDING_GRACE_MS),
    });
    const meter = new UploadMeter(this.limits.maxBytes);
    try {
      await storeAll([
        pipeline(src.stream, meter),
        this.store.put(objectKey(id), meter, {
          contentType,
          ...(src.declaredSize !== undefined ? { size: src.declaredSize } : {}),
        }),
      ]);
      if (src.declaredSize !== undefined && meter.bytes !== src.declaredSize) {
        throw new HttpError(400, 'size_mismatch', 'the body is not as long as its Content-Length');
      }
      const ready = await this.repo.markReady(id, meter.bytes, meter.sha256);
      if (!ready) throw new Error(`pending file ${id} disappeared during its upload`);
      return ready;
    } catch (err) {
      await this.discard(id);
      throw err;
    }
  }

  /** Starts a direct upload: a pending row and a URL the client PUTs the bytes to. */
  async createDirect(
    principal: Principal,
    req: { name: string; contentType: string; size: number },
    uploadUrl: (id: string, ttlSeconds: number) => Promise<string>,
  ): Promise<{ id: string; uploadUrl: string; expiresAt: string; contentType: string }> {
    assertCanUpload(principal);
    const contentType = this.checkType(req.contentType);
    this.checkSize(req.size);
    const id = newFileId();
    const ttl = Math.floor(this.limits.presignTtlMs / 1000);
    await this.repo.insertPending({
      id,
      name: sanitizeName(req.name),
      contentType,
      size: req.size,
      owner: ownerOf(principal),
      expiresAt: new Date(Date.now() + this.limits.presignTtlMs + PENDING_GRACE_MS),
    });
    return {
      id,
      uploadUrl: await uploadUrl(id, ttl),
      expiresAt: new Date(Date.now() + ttl * 1000).toISOString(),
      contentType,
    };
  }

  /** Embedded mode's presigned PUT target: stores at most the declared size; completion is separate. */
  async receiveDirect(id: string, body: Readable): Promise<void> {
    const f = await this.repo.get(id);
    if (f?.status !== 'pending') throw new HttpError(404, 'upload_not_found', 'no such upload');
    const meter = new UploadMeter(Math.min(f.size, this.limits.maxBytes));
    try {
      await storeAll([
        pipeline(body, meter),
        this.store.put(objectKey(id), meter, { contentType: f.contentType }),
      ]);
    } catch (err) {
      await this.store.delete(objectKey(id)).catch(() => {});
      throw err;
    }
  }

  /** Checks the uploaded object (present, declared size, within the limit), hashes it and records it. */
  async completeDirect(principal: Principal, id: string): Promise<FileRecord> {
    const f = await this.repo.get(id);
    assertCanComplete(principal, f);
    if (f.status === 'ready') return f;
    const info = await this.store.stat(objectKey(id));
    if (!info) throw new HttpError(409, 'upload_missing', 'nothing has been uploaded to the upload URL yet');
    if (info.size > this.limits.maxBytes) {
      await this.discard(id);
      throw tooLarge(this.limits.maxBytes);
    }
    if (info.size !== f.size) {
      // The row stays, so the client can upload again to the same URL while it is valid.
      await this.store.delete(objectKey(id));
      throw new HttpError(400, 'size_mismatch', `uploaded ${info.size} bytes but declared ${f.size}`);
    }
    const hash = createHash('sha256');
    const { body } = await this.store.get(objectKey(id));
    await pipeline(body, hash);
    const ready = await this.repo.markReady(id, info.size, hash.digest('hex'));
    if (!ready) throw new HttpError(404, 'upload_not_found', 'no such upload');
    return ready;
  }

  async remove(principal: Principal, id: string): Promise<void> {
    const f = await this.repo.get(id);
    assertCanDelete(principal, f);
    // Object first: a failure then leaves a row (retryable) rather than an object nothing points to.
    await this.store.delete(objectKey(id));
    await this.repo.delete(id);
  }

  /** Deletes expired pending uploads with their objects; safe to run on every replica at once. */
  async sweep(batch = 100): Promise<number> {
    let total = 0;
    for (let round = 0; round < 100; round++) {
      const ids = await this.repo.takeExpiredPending(batch);
      for (const id of ids) await this.store.delete(objectKey(id));
      total += ids.length;
      if (ids.length < batch) break;
    }
    if (total > 0) this.log.info({ files: total }, 'removed abandoned uploads');
    return total;
  }

  private async discard(id: string): Promise<void> {
    await this.store
      .delete(objectKey(id))
      .catch((err: unknown) => this.log.warn({ err, id }, 'could not delete object'));
    await this.repo
      .delete(id)
      .catch((err: unknown) => this.log.warn({ err, id }, 'could not delete pending row'));
  }
}

/** Waits for every step; rethrows the most meaningful failure (an HttpError such as 413 over a stream error). */
async function storeAll(steps: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(steps);
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (errors.length === 0) return;
  throw errors.find((e) => e instanceof HttpError) ?? errors[0];
}
