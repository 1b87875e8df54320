// Short-lived URLs that let a client move bytes without its credentials. On S3 they are presigned by the
// S3 API on S3_PUBLIC_ENDPOINT (browsers cannot reach the internal service name); in embedded mode the
// server signs them itself (HMAC-SHA256 keyed from JWT_SECRET) and serves them under /v1/files/....
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ObjectStore, S3Store } from '../drivers/object-store/index.js';
import { HttpError } from '../http/errors.js';
import { objectKey } from './repository.js';

export interface SignedUrlRequest {
  id: string;
  /** Seconds the URL stays valid. */
  ttl: number;
  /** Origin of the current request (scheme://host), for URLs the server serves itself. */
  base: string;
}

export interface Presigner {
  readonly kind: 's3' | 'local';
  uploadUrl(req: SignedUrlRequest): Promise<string>;
  downloadUrl(req: SignedUrlRequest & { contentType: string; disposition: string }): Promise<string>;
}

const isS3 = (store: ObjectStore): store is S3Store => store.driver === 's3';

export function createPresigner(store: ObjectStore, secret: string): Presigner {
  if (isS3(store)) {
    return {
      kind: 's3',
      uploadUrl: ({ id, ttl }) => store.publicClient.presignedPutObject(store.bucket, objectKey(id), ttl),
      downloadUrl: ({ id, ttl, contentType, disposition }) =>
        store.publicClient.presignedGetObject(store.bucket, objectKey(id), ttl, {
          'response-content-type': contentType,
          'response-content-disposition': disposition,
          'response-cache-control': 'private, max-age=300',
        }),
    };
  }
  const signer = new LocalSigner(secret);
  const url = (base: string, path: string, method: 'GET' | 'PUT', id: string, ttl: number) => {
    const expires = Math.floor(Date.now() / 1000) + ttl;
    return `${base}${path}?expires=${expires}&signature=${signer.sign(method, id, expires)}`;
  };
  return {
    kind: 'local',
    uploadUrl: async ({ id, ttl, base }) => url(base, `/v1/files/uploads/${id}/content`, 'PUT', id, ttl),
    downloadUrl: async ({ id, ttl, base }) => url(base, `/v1/files/${id}/content`, 'GET', id, ttl),
  };
}

export class LocalSigner {
  readonly #key: Buffer;

  constructor(secret: string) {
    // A key of its own, so a file signature can never pass for a token signature or the reverse.
    this.#key = createHmac('sha256', secret).update('paasport files v1').digest();
  }

  sign(method: 'GET' | 'PUT', id: string, expires: number): string {
    return createHmac('sha256', this.#key).update(`${method}\n${id}\n${expires}`).digest('base64url');
  }

  /** Throws 403 unless the query carries an unexpired signature for exactly this method and file. */
  verify(method: 'GET' | 'PUT', id: string, query: Record<string, unknown>): void {
    const expires = Number(query.expires);
    const given = typeof query.signature === 'string' ? Buffer.from(query.signature) : Buffer.alloc(0);
    const expected = Buffer.from(this.sign(method, id, expires));
    if (!Number.isInteger(expires) || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new HttpError(403, 'invalid_signature', 'the signed URL is not valid for this request');
    }
    if (expires * 1000 < Date.now()) {
      throw new HttpError(403, 'signature_expired', 'the signed URL has expired');
    }
  }
}
