// A pass-through that counts and hashes the bytes of an upload and fails it as soon as it passes the
// size limit, so an oversized body is cut off without being read (or stored) to the end.
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { HttpError } from '../http/errors.js';

export class UploadMeter extends Transform {
  bytes = 0;
  readonly #hash = createHash('sha256');
  #digest: string | undefined;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      done(tooLarge(this.maxBytes));
      return;
    }
    this.#hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.#digest = this.#hash.digest('hex');
    done();
  }

  /** Hex SHA-256 of everything that passed; only after the stream has ended. */
  get sha256(): string {
    if (this.#digest === undefined) throw new Error('upload not finished');
    return this.#digest;
  }
}

export function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'file_too_large', `file is larger than the limit of ${maxBytes} bytes`);
}
