// Helpers for file tests: deterministic large bodies generated on the fly (never held in memory whole),
// streamed uploads over plain node:http, hashing downloads, and bounded polling for asynchronous cleanup.
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { Readable } from 'node:stream';

/** `size` pseudo-random bytes from a seed (xorshift32), in 64 KiB chunks; the same seed gives the same bytes. */
export function generated(size: number, seed = 1): Readable {
  let state = seed >>> 0 || 1;
  let left = size;
  return new Readable({
    read() {
      if (left === 0) {
        this.push(null);
        return;
      }
      const n = Math.min(65536, left);
      const buf = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i++) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        buf[i] = state & 0xff;
      }
      left -= n;
      this.push(buf);
    },
  });
}

export async function sha256Of(stream: AsyncIterable<Uint8Array>): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

export async function bufferOf(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Streams body to url (chunked unless headers set Content-Length); resolves with the response, if any. */
export function send(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Readable | Buffer | string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'POST', headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    const body = opts.body;
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}

/** Polls check() until it returns true, at most `tries` times; returns the last result. */
export async function eventually(check: () => Promise<boolean>, tries = 100, everyMs = 50): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return check();
}

export const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

// Test bodies are loosely typed JSON; the assertions check their shape.
// biome-ignore lint/suspicious/noExplicitAny: response bodies of the API under test
type Json = Record<string, any>;
export const json = async (res: Response): Promise<Json> => (await res.json()) as Json;
export const parse = (text: string): Json => JSON.parse(text) as Json;

export async function* once(buf: Buffer): AsyncGenerator<Uint8Array> {
  yield buf;
}
