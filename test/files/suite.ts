// The file API behaviours every storage backend must share, run by s3.test.ts (PostgreSQL + MinIO) and
// embedded.test.ts (PGlite + files under DATA_DIR): round trips, ranges, direct uploads, limits, aborts, access.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { TestServer } from '../helpers/app.js';
import { uid } from '../helpers/services.js';
import { auth, bufferOf, eventually, generated, json, once, parse, send, sha256Of } from './helpers.js';

export interface Backend {
  name: string;
  /** Starts a server on this backend; `shared` servers see the same files as the first one. */
  start(env: Record<string, string>): Promise<TestServer>;
  /** Leftovers of failed uploads: pending rows, objects without a ready row, temp files. */
  leftovers(server: TestServer): Promise<{ pending: number; orphanObjects: number; tempFiles: number }>;
  stop(): Promise<void>;
  /** Whether the URL signer checks signatures (both the embedded signer and MinIO do). */
  verifiesSignatures: boolean;
  /** Checks a presigned URL points where browsers can reach it. */
  expectPublicUrl(url: string, server: TestServer): void;
}

const BIG = 40 * 1024 * 1024 + 12345;

export function fileSuite(backend: Backend): void {
  describe(`files on ${backend.name}`, () => {
    const KEY = `test-key-${uid(12)}`;
    const admin = auth(KEY);
    let server: TestServer;
    let strict: TestServer;

    before(async () => {
      server = await backend.start({ API_KEYS: KEY, MAX_FILE_BYTES: '64MiB' });
      strict = await backend.start({
        API_KEYS: KEY,
        MAX_FILE_BYTES: '1MiB',
        FILES_ALLOWED_TYPES: 'image/*,text/plain',
        FILES_DOWNLOAD_MODE: 'redirect',
      });
    });
    after(async () => {
      await strict?.close();
      await server?.close();
      await backend.stop();
    });

    async function clean(s: TestServer): Promise<void> {
      const ok = await eventually(async () => {
        const l = await backend.leftovers(s);
        return l.pending === 0 && l.orphanObjects === 0 && l.tempFiles === 0;
      });
      assert.ok(ok, `leftovers: ${JSON.stringify(await backend.leftovers(s))}`);
    }

    it('round-trips a small raw upload byte for byte, with metadata', async () => {
      const body = Buffer.from('hello, files\n');
      const res = await send(`${server.url}/v1/files?name=greeting.txt`, {
        headers: {
          ...admin,
          'Content-Type': 'text/plain; charset=utf-8',
          'Content-Length': String(body.length),
        },
        body,
      });
      assert.equal(res.status, 201, res.body);
      const file = parse(res.body);
      assert.equal(file.size, body.length);
      assert.equal(file.name, 'greeting.txt');
      assert.equal(file.contentType, 'text/plain');
      assert.equal(file.url, `${server.url}/v1/files/${file.id}`);
      assert.equal(file.sha256, (await sha256Of(once(body))).sha256);
      const got = await fetch(file.url, { headers: admin });
      assert.equal(got.status, 200);
      assert.equal(got.headers.get('content-type'), 'text/plain');
      assert.match(got.headers.get('content-disposition') ?? '', /^inline; filename="greeting.txt"/);
      assert.equal(got.headers.get('etag'), `"${file.sha256}"`);
      assert.deepEqual(Buffer.from(await got.arrayBuffer()), body);
      const meta = await fetch(`${file.url}/metadata`, { headers: admin });
      assert.equal((await json(meta)).sha256, file.sha256);
    });

    it(`streams a ${BIG}-byte upload and download, hashes equal, and serves ranges across part boundaries`, async () => {
      const expected = await sha256Of(generated(BIG, 7));
      const res = await send(`${server.url}/v1/files?name=big.bin`, {
        headers: { ...admin, 'Content-Type': 'application/octet-stream' },
        body: generated(BIG, 7),
      });
      assert.equal(res.status, 201, res.body);
      const file = parse(res.body);
      assert.equal(file.size, BIG);
      assert.equal(file.sha256, expected.sha256);
      const got = await fetch(file.url, { headers: admin });
      assert.equal(got.headers.get('content-length'), String(BIG));
      assert.deepEqual(await sha256Of(got.body!), expected);

      const whole = await bufferOf(generated(BIG, 7));
      const at = 8 * 1024 * 1024 - 100;
      for (const [range, start, end] of [
        [`bytes=${at}-${at + 199}`, at, at + 199],
        [`bytes=${BIG - 10}-`, BIG - 10, BIG - 1],
        ['bytes=-5', BIG - 5, BIG - 1],
        ['bytes=0-0', 0, 0],
      ] as const) {
        const part = await fetch(file.url, { headers: { ...admin, Range: range } });
        assert.equal(part.status, 206, range);
        assert.equal(part.headers.get('content-range'), `bytes ${start}-${end}/${BIG}`);
        assert.deepEqual(Buffer.from(await part.arrayBuffer()), whole.subarray(start, end + 1), range);
      }
      const beyond = await fetch(file.url, { headers: { ...admin, Range: `bytes=${BIG}-` } });
      assert.equal(beyond.status, 416);
      assert.equal(beyond.headers.get('content-range'), `bytes */${BIG}`);
      await clean(server);
    });

    it('accepts multipart/form-data and sanitises the name', async () => {
      const form = new FormData();
      form.append('name', '../../etc/pa"ss\u202e\u0007wd<>.png');
      form.append(
        'file',
        new Blob([Buffer.from([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' }),
        'ignored.png',
      );
      const res = await fetch(`${server.url}/v1/files`, { method: 'POST', headers: admin, body: form });
      assert.equal(res.status, 201);
      const file = await json(res);
      assert.equal(file.name, 'pa_sswd__.png');
      assert.equal(file.contentType, 'image/png');
      assert.equal(file.size, 4);
      const dots = await send(`${server.url}/v1/files?name=${encodeURIComponent('..\\..\\ . ')}`, {
        headers: { ...admin, 'Content-Type': 'text/plain' },
        body: 'x',
      });
      assert.equal(parse(dots.body).name, 'file');
      const html = await send(`${server.url}/v1/files?name=page.html`, {
        headers: { ...admin, 'Content-Type': 'text/html' },
        body: '<script>alert(1)</script>',
      });
      const page = await fetch(parse(html.body).url, { headers: admin });
      assert.match(page.headers.get('content-disposition') ?? '', /^attachment;/);
      await page.arrayBuffer();
    });

    it('runs the direct upload flow end to end with a plain HTTP client', async () => {
      const body = await bufferOf(generated(300_000, 3));
      const start = await fetch(`${server.url}/v1/files/uploads`, {
        method: 'POST',
        headers: { ...admin, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          name: 'direct.bin',
          contentType: 'application/octet-stream',
          size: body.length,
        }),
      });
      assert.equal(start.status, 201);
      const up = await json(start);
      assert.equal(up.method, 'PUT');
      backend.expectPublicUrl(up.uploadUrl, server);
      const early = await fetch(`${server.url}/v1/files/uploads/${up.id}/complete`, {
        method: 'POST',
        headers: admin,
      });
      assert.equal(early.status, 409);
      const put = await fetch(up.uploadUrl, { method: 'PUT', headers: up.headers, body });
      assert.equal(put.status, 200, await put.text());
      const done = await fetch(`${server.url}/v1/files/uploads/${up.id}/complete`, {
        method: 'POST',
        headers: admin,
      });
      assert.equal(done.status, 200);
      const file = await json(done);
      assert.equal(file.id, up.id);
      assert.equal(file.sha256, (await sha256Of(once(body))).sha256);
      const got = await fetch(file.url, { headers: admin });
      assert.deepEqual(Buffer.from(await got.arrayBuffer()), body);
      if (backend.verifiesSignatures) {
        const forged = up.uploadUrl.replace(/(signature)=[^&]+/i, '$1=AAAA');
        assert.notEqual(forged, up.uploadUrl);
        const denied = await fetch(forged, { method: 'PUT', body: 'evil' });
        assert.equal(denied.status, 403);
        await denied.text();
      }
    });

    it('refuses a direct upload whose bytes do not match the declared size', async () => {
      const start = await fetch(`${server.url}/v1/files/uploads`, {
        method: 'POST',
        headers: { ...admin, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'short.bin', contentType: 'application/octet-stream', size: 10 }),
      });
      const up = await json(start);
      const put = await fetch(up.uploadUrl, { method: 'PUT', headers: up.headers, body: 'only5' });
      await put.text();
      const done = await fetch(`${server.url}/v1/files/uploads/${up.id}/complete`, {
        method: 'POST',
        headers: admin,
      });
      assert.equal(done.status, 400);
      assert.equal((await json(done)).error.code, 'size_mismatch');
      // DELETE cancels a pending upload.
      const cancel = await fetch(`${server.url}/v1/files/${up.id}`, { method: 'DELETE', headers: admin });
      assert.equal(cancel.status, 204);
      await clean(server);
    });

    it('answers 413 for too large uploads and leaves no object and no row', async () => {
      const declared = await send(`${strict.url}/v1/files`, {
        headers: { ...admin, 'Content-Type': 'text/plain', 'Content-Length': String(2 * 1024 * 1024) },
        body: generated(2 * 1024 * 1024),
      }).catch((err: Error) => ({ status: 0, body: err.message }));
      assert.equal(declared.status, 413, declared.body);
      // Unknown length: the limit trips mid-stream; the connection may be closed while we still write.
      const chunked = await send(`${strict.url}/v1/files`, {
        headers: { ...admin, 'Content-Type': 'text/plain' },
        body: generated(3 * 1024 * 1024),
      }).catch((err: Error) => ({ status: 0, body: err.message }));
      assert.ok(chunked.status === 413 || chunked.status === 0, `${chunked.status} ${chunked.body}`);
      const direct = await fetch(`${strict.url}/v1/files/uploads`, {
        method: 'POST',
        headers: { ...admin, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'x.txt', contentType: 'text/plain', size: 2 * 1024 * 1024 }),
      });
      assert.equal(direct.status, 413);
      await clean(strict);
    });

    it('answers 415 for types outside FILES_ALLOWED_TYPES, raw or multipart', async () => {
      const raw = await send(`${strict.url}/v1/files`, {
        headers: { ...admin, 'Content-Type': 'application/zip' },
        body: 'PK',
      });
      assert.equal(raw.status, 415);
      const form = new FormData();
      form.append('file', new Blob(['<x/>'], { type: 'application/xml' }), 'a.xml');
      const multi = await fetch(`${strict.url}/v1/files`, { method: 'POST', headers: admin, body: form });
      assert.equal(multi.status, 415);
      const ok = await send(`${strict.url}/v1/files`, {
        headers: { ...admin, 'Content-Type': 'image/webp' },
        body: 'RIFF',
      });
      assert.equal(ok.status, 201);
      await clean(strict);
    });

    it('leaves nothing behind when the client disconnects mid-upload', async () => {
      const started = async () =>
        (await server.deps.db.query(`SELECT 1 FROM files WHERE status = 'pending'`)).rows.length > 0;
      const req = request(`${server.url}/v1/files?name=cut.bin`, {
        method: 'POST',
        headers: {
          ...admin,
          'Content-Type': 'application/octet-stream',
          'Content-Length': String(30 * 1024 * 1024),
        },
      });
      req.on('error', () => {});
      const body = generated(20 * 1024 * 1024, 9);
      for await (const chunk of body) {
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
      }
      assert.ok(await eventually(started), 'the upload never started on the server');
      req.destroy();
      await clean(server);
    });

    it('enforces file access for client tokens', async () => {
      const mint = async (grant: object) => {
        const res = await fetch(`${server.url}/v1/tokens`, {
          method: 'POST',
          headers: { ...admin, 'Content-Type': 'application/json' },
          body: JSON.stringify(grant),
        });
        assert.equal(res.status, 201);
        return auth((await json(res)).token);
      };
      const alice = await mint({ sub: 'alice', files: ['upload'] });
      const aliceAgain = await mint({ sub: 'alice' });
      const bob = await mint({ sub: 'bob' });
      const reader = await mint({ sub: 'carol', files: ['read'] });
      const up = await send(`${server.url}/v1/files?name=a.txt`, {
        headers: { ...alice, 'Content-Type': 'text/plain' },
        body: 'a',
      });
      assert.equal(up.status, 201);
      const file = parse(up.body);
      assert.equal(file.owner, 'alice');
      const status = async (h: Record<string, string>, method = 'GET') =>
        fetch(file.url, { method, headers: h }).then(async (r) => {
          await r.arrayBuffer();
          return r.status;
        });
      assert.equal(await status(aliceAgain), 200);
      assert.equal(await status(reader), 200);
      assert.equal(await status(bob), 404);
      assert.equal(await status({}), 401);
      const bobUp = await send(`${server.url}/v1/files`, {
        headers: { ...bob, 'Content-Type': 'text/plain' },
        body: 'b',
      });
      assert.equal(bobUp.status, 403);
      assert.equal(await status(reader, 'DELETE'), 404);
      assert.equal(await status(bob, 'DELETE'), 404);
      assert.equal(await status(aliceAgain, 'DELETE'), 204);
      assert.equal(await status(admin), 404);
      // A token without `sub` owns its uploads by its id; a subject chosen to look like that id owns nothing.
      const anonRes = await fetch(`${server.url}/v1/tokens`, {
        method: 'POST',
        headers: { ...admin, 'Content-Type': 'application/json' },
        body: JSON.stringify({ files: ['upload'] }),
      });
      const anonToken = (await json(anonRes)).token as string;
      const jti = JSON.parse(Buffer.from(anonToken.split('.')[1] ?? '', 'base64url').toString())
        .jti as string;
      const anonUp = await send(`${server.url}/v1/files?name=n.txt`, {
        headers: { ...auth(anonToken), 'Content-Type': 'text/plain' },
        body: 'n',
      });
      assert.equal(anonUp.status, 201);
      const anonFile = parse(anonUp.body);
      assert.equal(anonFile.owner, null);
      const mimic = await mint({ sub: `token:${jti}` });
      const mimicStatus = async (method: string) =>
        fetch(anonFile.url, { method, headers: mimic }).then(async (r) => {
          await r.arrayBuffer();
          return r.status;
        });
      assert.equal(await mimicStatus('GET'), 404);
      assert.equal(await mimicStatus('DELETE'), 404);
      const own = await fetch(anonFile.url, { headers: auth(anonToken) });
      assert.equal(own.status, 200);
      assert.equal(await own.text(), 'n');
      await fetch(anonFile.url, { method: 'DELETE', headers: admin }).then((r) => r.arrayBuffer());
      assert.equal((await server.deps.store.stat(`files/${file.id}`)) === null, true);
      await clean(server);
    });

    it('redirects downloads to a short-lived presigned URL in redirect mode', async () => {
      const up = await send(`${strict.url}/v1/files?name=r.txt`, {
        headers: { ...admin, 'Content-Type': 'text/plain' },
        body: '0123456789',
      });
      const file = parse(up.body);
      const res = await fetch(file.url, { headers: admin, redirect: 'manual' });
      assert.equal(res.status, 302);
      const location = res.headers.get('location') ?? '';
      backend.expectPublicUrl(location, strict);
      const got = await fetch(location);
      assert.equal(got.status, 200);
      assert.equal(got.headers.get('content-type'), 'text/plain');
      assert.equal(await got.text(), '0123456789');
      const part = await fetch(location, { headers: { Range: 'bytes=2-4' } });
      assert.equal(part.status, 206);
      assert.equal(await part.text(), '234');
    });

    it('refuses tampered and expired signed URLs', async () => {
      const short = await backend.start({
        API_KEYS: KEY,
        FILES_PRESIGN_TTL: '1s',
        FILES_DOWNLOAD_MODE: 'redirect',
      });
      try {
        const up = await send(`${short.url}/v1/files?name=t.txt`, {
          headers: { ...admin, 'Content-Type': 'text/plain' },
          body: 'signed',
        });
        const file = parse(up.body);
        const res = await fetch(file.url, { headers: admin, redirect: 'manual' });
        const location = res.headers.get('location') ?? '';
        const tampered = location.replace(
          /(signature)=([^&])/i,
          (_m, k: string, c: string) => `${k}=${c === 'a' ? 'b' : 'a'}`,
        );
        assert.notEqual(tampered, location);
        const denied = await fetch(tampered);
        assert.equal(denied.status, 403, 'a tampered signature is refused');
        await denied.text();
        const start = await fetch(`${short.url}/v1/files/uploads`, {
          method: 'POST',
          headers: { ...admin, 'Content-Type': 'application/json' },
          body: JSON.stringify({ name: 'late.bin', contentType: 'application/octet-stream', size: 4 }),
        });
        const direct = await json(start);
        // Past the 1s lifetime (signatures carry whole seconds) both URLs must be refused by the server.
        await new Promise((r) => setTimeout(r, 2200));
        const expired = await fetch(location);
        assert.equal(expired.status, 403, 'an expired download URL is refused');
        await expired.text();
        const late = await fetch(direct.uploadUrl, { method: 'PUT', headers: direct.headers, body: 'late' });
        assert.equal(late.status, 403, 'an expired upload URL is refused');
        await late.text();
        const cancel = await fetch(`${short.url}/v1/files/${direct.id}`, {
          method: 'DELETE',
          headers: admin,
        });
        assert.equal(cancel.status, 204);
      } finally {
        await short.close();
      }
    });
  });
}
