// The ObjectStore interface docs as a test suite, run against every implementation: round trips, ranges,
// stat, idempotent delete, sorted prefix listing, all-or-nothing puts, not-found errors and key validation.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { ObjectNotFoundError, type ObjectStore } from '../../src/server/drivers/object-store/index.js';
import { uid } from '../helpers/services.js';

export interface ObjectStoreHarness {
  store: ObjectStore;
  cleanup?: () => Promise<void>;
}

async function bytesOf(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** A body that yields `bytes` bytes and then fails, as a client disconnecting mid-upload would. */
function failingBody(bytes: number): Readable {
  const chunk = Buffer.alloc(Math.min(bytes, 1024 * 1024), 7);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= bytes) {
        this.destroy(new Error('client went away'));
        return;
      }
      const part = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
      sent += part.length;
      this.push(part);
    },
  });
}

const INVALID_KEYS = ['', '/absolute', 'a//b', '../escape', 'a/./b', 'a/../b', 'back\\slash', 'line\nbreak'];

export function objectStoreContract(name: string, factory: () => Promise<ObjectStoreHarness>): void {
  describe(`object store contract: ${name}`, () => {
    let h: ObjectStoreHarness;
    let store: ObjectStore;
    // Each test works under its own prefix, so listings never see another test's objects.
    const prefix = () => `contract-${uid()}/`;
    const put = (key: string, data: string | Buffer, contentType?: string) =>
      store.put(key, Readable.from([Buffer.from(data)]), { contentType, size: Buffer.byteLength(data) });

    before(async () => {
      h = await factory();
      store = h.store;
    });
    after(async () => {
      await h?.store.close();
      await h?.cleanup?.();
    });

    it('round-trips an object byte for byte and reports its size', async () => {
      const key = `${prefix()}nested/dir/hello.txt`;
      const data = Buffer.from('hello, objects\n\u00e9\u0000\u00ff');
      const info = await put(key, data, 'text/plain');
      assert.deepEqual([info.key, info.size], [key, data.length]);
      assert.ok(info.lastModified instanceof Date);
      const got = await store.get(key);
      assert.deepEqual(await bytesOf(got.body), data);
      assert.deepEqual([got.info.key, got.info.size], [key, data.length]);
    });

    it('stores an empty object', async () => {
      const key = `${prefix()}empty`;
      assert.equal((await put(key, '')).size, 0);
      assert.equal((await bytesOf((await store.get(key)).body)).length, 0);
    });

    it('replaces an object put again under the same key', async () => {
      const key = `${prefix()}k`;
      await put(key, 'first version');
      await put(key, 'second');
      assert.equal((await bytesOf((await store.get(key)).body)).toString(), 'second');
      assert.equal((await store.stat(key))?.size, 6);
    });

    it('streams an inclusive byte range', async () => {
      const key = `${prefix()}range`;
      await put(key, '0123456789');
      const mid = await store.get(key, { start: 2, end: 5 });
      assert.equal((await bytesOf(mid.body)).toString(), '2345');
      assert.equal(mid.info.size, 10, 'info describes the whole object');
      const tail = await store.get(key, { start: 9, end: 9 });
      assert.equal((await bytesOf(tail.body)).toString(), '9');
    });

    it('stats an object, and answers null for a missing one', async () => {
      const p = prefix();
      await put(`${p}there`, 'abc');
      const info = await store.stat(`${p}there`);
      assert.deepEqual([info?.key, info?.size], [`${p}there`, 3]);
      assert.equal(await store.stat(`${p}missing`), null);
    });

    it('throws ObjectNotFoundError naming the key for a missing object', async () => {
      const key = `${prefix()}missing`;
      await assert.rejects(store.get(key), (err) => err instanceof ObjectNotFoundError && err.key === key);
      await assert.rejects(store.get(key, { start: 0, end: 1 }), ObjectNotFoundError);
    });

    it('deletes idempotently', async () => {
      const key = `${prefix()}doomed`;
      await put(key, 'x');
      await store.delete(key);
      assert.equal(await store.stat(key), null);
      await store.delete(key);
      await store.delete(`${prefix()}never-existed`);
    });

    it('lists every object under a prefix, sorted by key, and nothing else', async () => {
      const p = prefix();
      for (const k of ['b', 'a/2', 'a/1', 'a-z']) await put(`${p}${k}`, k);
      await put(`${p.slice(0, -1)}-sibling`, 'outside');
      const listed = await store.list(p);
      assert.deepEqual(
        listed.map((i) => i.key),
        ['a-z', 'a/1', 'a/2', 'b'].map((k) => `${p}${k}`),
      );
      assert.deepEqual(
        listed.map((i) => i.size),
        [3, 3, 3, 1],
      );
      assert.deepEqual(await store.list(`${p}a/`).then((l) => l.map((i) => i.key)), [`${p}a/1`, `${p}a/2`]);
      assert.deepEqual(await store.list(`${prefix()}`), []);
    });

    for (const [label, bytes] of [
      ['small', 100_000],
      ['multi-part sized', 17 * 1024 * 1024],
    ] as const) {
      it(`leaves nothing behind when a ${label} body fails mid-put`, async () => {
        const p = prefix();
        await assert.rejects(store.put(`${p}partial`, failingBody(bytes)), /client went away/);
        assert.equal(await store.stat(`${p}partial`), null);
        assert.deepEqual(await store.list(p), []);
      });
    }

    it('keeps the previous object when a put over it fails', async () => {
      const key = `${prefix()}kept`;
      await put(key, 'original');
      await assert.rejects(store.put(key, failingBody(50_000)), /client went away/);
      assert.equal((await bytesOf((await store.get(key)).body)).toString(), 'original');
    });

    it('rejects keys that could escape a directory or confuse S3 tooling, in every operation', async () => {
      for (const key of INVALID_KEYS) {
        const label = JSON.stringify(key);
        await assert.rejects(store.put(key, Readable.from([Buffer.from('x')])), /invalid object key/, label);
        await assert.rejects(store.get(key), /invalid object key/, label);
        await assert.rejects(store.stat(key), /invalid object key/, label);
        await assert.rejects(store.delete(key), /invalid object key/, label);
      }
    });

    it('answers ping', async () => {
      await store.ping();
    });
  });
}
