// The file inside an upload request, as a stream: the raw body (type from Content-Type, name from ?name= or
// Content-Disposition), or the first file part of a multipart/form-data body (a `name` field before it
// overrides the part's filename). Nothing is buffered; a client that goes away fails the stream.
import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import busboy from 'busboy';
import { HttpError } from '../http/errors.js';

export interface UploadSource {
  stream: Readable;
  /** As sent by the client; sanitised by the caller. */
  name: string | undefined;
  contentType: string | undefined;
  /** Exact body size when the client declared it (raw uploads with Content-Length). */
  declaredSize: number | undefined;
}

const aborted = () => new HttpError(400, 'upload_aborted', 'the client closed the connection mid-upload');

function filenameOf(disposition: string | undefined): string | undefined {
  if (!disposition) return undefined;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // fall through to the plain parameter
    }
  }
  return /filename\s*=\s*"?([^";]+)"?/i.exec(disposition)?.[1];
}

/** Fails `out` when the request ends early; node reports it as 'aborted' or an error, then 'close'. */
function watchRequest(req: IncomingMessage, out: PassThrough): void {
  req.once('error', () => out.destroy(aborted()));
  req.once('close', () => {
    if (!req.complete) out.destroy(aborted());
  });
}

export function openUploadBody(req: IncomingMessage, query: Record<string, unknown>): Promise<UploadSource> {
  const type = req.headers['content-type'] ?? '';
  const queryName = typeof query.name === 'string' ? query.name : undefined;
  if (!/^multipart\/form-data/i.test(type)) {
    const out = new PassThrough();
    watchRequest(req, out);
    req.pipe(out);
    const length = req.headers['content-length'];
    return Promise.resolve({
      stream: out,
      name: queryName ?? filenameOf(req.headers['content-disposition']),
      contentType: type || undefined,
      declaredSize: length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined,
    });
  }

  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fields: 20, fieldSize: 64 * 1024 } });
    } catch (err) {
      reject(new HttpError(400, 'invalid_multipart', (err as Error).message));
      return;
    }
    const out = new PassThrough();
    let fieldName: string | undefined;
    let settled = false;
    watchRequest(req, out);
    req.once('close', () => {
      if (!settled && !req.complete) reject(aborted());
    });
    parser.on('field', (field, value) => {
      if (field === 'name') fieldName = value;
    });
    parser.on('file', (_field, file, info) => {
      if (settled) {
        file.resume();
        return;
      }
      settled = true;
      file.on('error', (err) => out.destroy(err));
      file.pipe(out);
      resolve({
        stream: out,
        name: queryName ?? fieldName ?? info.filename,
        contentType: info.mimeType,
        declaredSize: undefined,
      });
    });
    parser.on('error', (err) => {
      const e = new HttpError(
        400,
        'invalid_multipart',
        `malformed multipart body: ${(err as Error).message}`,
      );
      out.destroy(e);
      if (!settled) reject(e);
    });
    parser.on('close', () => {
      if (!settled) reject(new HttpError(400, 'missing_file', 'the multipart body has no file part'));
    });
    req.pipe(parser);
  });
}
