// Streams a body into S3 holding at most one part in memory. Small bodies go up in one PUT; larger ones as
// a multipart upload that is aborted on any error, so a failed or cut-off stream leaves no object behind.
// (The minio client's own putObject buffers up to 64 MiB, or far more when the size is unknown, and does
// not notice when the source stream fails.)
import type { Readable } from 'node:stream';
import type * as Minio from 'minio';

/** S3 allows at most 10,000 parts, each at least 5 MiB except the last. */
const MIN_PART = 8 * 1024 * 1024;
const MAX_PARTS = 10_000;

export function partSizeFor(size?: number): number {
  if (size === undefined) return MIN_PART;
  return Math.max(MIN_PART, Math.ceil(size / MAX_PARTS / (1024 * 1024)) * 1024 * 1024);
}

async function* parts(body: Readable, partSize: number): AsyncGenerator<Buffer> {
  let chunks: Buffer[] = [];
  let length = 0;
  let yielded = false;
  for await (const chunk of body) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    chunks.push(buf);
    length += buf.length;
    while (length >= partSize) {
      const all = Buffer.concat(chunks, length);
      yield all.subarray(0, partSize);
      yielded = true;
      const rest = all.subarray(partSize);
      chunks = rest.length > 0 ? [rest] : [];
      length = rest.length;
    }
  }
  if (length > 0 || !yielded) yield Buffer.concat(chunks, length);
}

export async function streamToS3(
  client: Minio.Client,
  bucket: string,
  key: string,
  body: Readable,
  opts: { contentType?: string; size?: number },
): Promise<void> {
  const headers: Record<string, string> = opts.contentType ? { 'Content-Type': opts.contentType } : {};
  try {
    await upload(client, bucket, key, parts(body, partSizeFor(opts.size)), headers);
  } catch (err) {
    // Stop the producer too, or a caller piping into body would wait on it forever.
    body.destroy();
    throw err;
  }
}

async function upload(
  client: Minio.Client,
  bucket: string,
  key: string,
  source: AsyncGenerator<Buffer>,
  headers: Record<string, string>,
): Promise<void> {
  const first = await source.next();
  const firstPart = first.done ? Buffer.alloc(0) : first.value;
  const second = first.done ? first : await source.next();
  if (second.done) {
    await client.putObject(bucket, key, firstPart, firstPart.length, headers);
    return;
  }

  const uploadId = await client.initiateNewMultipartUpload(bucket, key, headers);
  try {
    const etags: { part: number; etag: string }[] = [];
    const put = async (part: number, payload: Buffer) => {
      if (part > MAX_PARTS) throw new Error(`object ${key} needs more than ${MAX_PARTS} parts`);
      const res = await client.uploadPart(
        { bucketName: bucket, objectName: key, uploadID: uploadId, partNumber: part, headers: {} },
        payload,
      );
      etags.push({ part, etag: res.etag });
    };
    await put(1, firstPart);
    await put(2, second.value);
    let part = 3;
    for await (const payload of source) await put(part++, payload);
    await client.completeMultipartUpload(bucket, key, uploadId, etags);
  } catch (err) {
    await client.abortMultipartUpload(bucket, key, uploadId).catch(() => {});
    throw err;
  }
}
