// Files as browser pages on other origins use them: downloads carry CORP cross-origin when CORS_ORIGINS is set,
// GET /v1/files/:id/url gives a short-lived signed link for <img>/<video> that serves Range without headers,
// CORS exposes the headers browser code needs, and an over-size upload from Node's fetch (which writes its
// whole body before reading) always gets its 413 rather than a reset connection (before the fix, about one
// in five such uploads of 12 MiB failed with EPIPE against a server process on this machine).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type ServerProcess, startServerProcess, tempDir } from '../helpers/services.js';

const KEY = 'k'.repeat(32);
const ORIGIN = 'https://app.example.com';
// Large enough that the refused bodies below overflow loopback socket buffers, small enough to linger within.
const LIMIT = 4 * 1024 * 1024;
const auth = { Authorization: `Bearer ${KEY}` };

describe('files from browsers', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  // Its own process, as in production: in-process, client and server share one event loop and hide the race.
  let server: ServerProcess;
  let fileId: string;
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

  before(async () => {
    [db, dir] = await Promise.all([createTestDatabase(), tempDir('paasport-browser-files-')]);
    server = await startServerProcess({
      DATABASE_URL: db.url,
      DATA_DIR: dir.path,
      API_KEYS: KEY,
      JWT_SECRET: 'j'.repeat(32),
      CORS_ORIGINS: ORIGIN,
      MAX_FILE_BYTES: String(LIMIT),
      RATE_LIMIT_API_KEY: '1000000',
      RATE_LIMIT_ANONYMOUS: '3',
      RATE_LIMIT_WINDOW: '1h',
    });
    const res = await fetch(`${server.url}/v1/files?name=pic.png`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'image/png' },
      body: bytes,
    });
    assert.equal(res.status, 201, await res.clone().text());
    fileId = ((await res.json()) as { id: string }).id;
  });

  after(async () => {
    await server?.stop();
    await Promise.all([db?.drop(), dir?.remove()]);
  });

  it('serves downloads with Cross-Origin-Resource-Policy: cross-origin when CORS_ORIGINS is set', async () => {
    const res = await fetch(`${server.url}/v1/files/${fileId}`, { headers: { ...auth, Origin: ORIGIN } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
    assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
    const exposed = (res.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/\s*,\s*/);
    for (const h of [
      'etag',
      'content-disposition',
      'retry-after',
      'ratelimit-remaining',
      'idempotent-replayed',
    ])
      assert.ok(exposed.includes(h), `${h} is exposed: ${exposed.join(',')}`);
    await res.arrayBuffer();
    // Other API answers keep helmet's same-origin policy.
    const meta = await fetch(`${server.url}/v1/files/${fileId}/metadata`, { headers: auth });
    assert.equal(meta.headers.get('cross-origin-resource-policy'), 'same-origin');
  });

  it('gives a signed link that works without credentials, with Range, and is refused when tampered', async () => {
    const link = await fetch(`${server.url}/v1/files/${fileId}/url`, { headers: auth });
    assert.equal(link.status, 200);
    const { url, expiresAt } = (await link.json()) as { url: string; expiresAt: string };
    assert.ok(url.startsWith(`${server.url}/v1/files/${fileId}/content?expires=`), url);
    assert.ok(Date.parse(expiresAt) > Date.now());

    const whole = await fetch(url);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-type'), 'image/png');
    assert.equal(whole.headers.get('cross-origin-resource-policy'), 'cross-origin');
    assert.deepEqual(Buffer.from(await whole.arrayBuffer()), bytes);

    const part = await fetch(url, { headers: { Range: 'bytes=10-19' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 10-19/${bytes.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(10, 20));

    // A page showing the file many times is one anonymous caller: signed links are not rate-limited.
    for (let i = 0; i < 6; i++) {
      const again = await fetch(url, { headers: { Range: 'bytes=0-0' } });
      assert.equal(again.status, 206);
      await again.arrayBuffer();
    }
    const tampered = await fetch(url.replace(/signature=./, 'signature=A'));
    assert.equal(tampered.status, 403);
    const anonymous = await fetch(`${server.url}/v1/files/${fileId}/url`);
    assert.equal(anonymous.status, 401);
  });

  it('answers 413 to over-size uploads from fetch every time, never a reset connection', async () => {
    const body = Buffer.alloc(2 * LIMIT, 7);
    const statuses: Record<string, number> = {};
    for (let i = 0; i < 20; i++) {
      const outcome = await fetch(`${server.url}/v1/files?name=big.bin`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/octet-stream' },
        body,
      }).then(
        async (res) => {
          await res.arrayBuffer();
          return String(res.status);
        },
        (err: Error) => `${err.message}: ${(err.cause as Error | undefined)?.message ?? ''}`,
      );
      statuses[outcome] = (statuses[outcome] ?? 0) + 1;
    }
    assert.deepEqual(statuses, { '413': 20 });
  });

  it('answers 413 to a chunked over-size upload (limit found mid-stream) every time', async () => {
    const statuses: Record<string, number> = {};
    for (let i = 0; i < 10; i++) {
      const chunks = [Buffer.alloc(LIMIT, 1), Buffer.alloc(LIMIT / 2, 2)];
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      });
      const outcome = await fetch(`${server.url}/v1/files?name=big.bin`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/octet-stream' },
        body: stream,
        duplex: 'half',
      } as RequestInit).then(
        async (res) => {
          await res.arrayBuffer();
          return String(res.status);
        },
        (err: Error) => `${err.message}: ${(err.cause as Error | undefined)?.message ?? ''}`,
      );
      statuses[outcome] = (statuses[outcome] ?? 0) + 1;
    }
    assert.deepEqual(statuses, { '413': 10 });
  });
});
