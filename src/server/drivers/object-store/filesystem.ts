// Objects as files under DATA_DIR/objects, for embedded mode. Puts stream to a temp file and rename it
// into place, so readers never see a partial object and an aborted upload leaves nothing. A disk that is
// full, read-only or failing (ENOSPC, EROFS, EIO, ...) answers `unavailable`, like an S3 outage.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, constants, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DependencyHealth } from '../health.js';
import { assertValidKey, type ObjectInfo, ObjectNotFoundError, type ObjectStore } from './object-store.js';

const TMP = '.incoming';

export async function createFilesystemStore(
  dataDir: string,
  health?: DependencyHealth,
): Promise<ObjectStore> {
  const store = await filesystemStore(dataDir);
  if (!health) return store;
  const call = <T>(fn: () => Promise<T>) => health.call(fn);
  return {
    ...store,
    put: (key, body, opts) => call(() => store.put(key, body, opts)),
    get: (key, range) => call(() => store.get(key, range)),
    stat: (key) => call(() => store.stat(key)),
    delete: (key) => call(() => store.delete(key)),
    list: (prefix) => call(() => store.list(prefix)),
    ping: () => call(() => store.ping()),
  };
}

async function filesystemStore(dataDir: string): Promise<ObjectStore> {
  const root = resolve(dataDir, 'objects');
  await mkdir(join(root, TMP), { recursive: true });
  const pathOf = (key: string) => {
    assertValidKey(key);
    return join(root, ...key.split('/'));
  };

  async function info(key: string): Promise<ObjectInfo | null> {
    try {
      const s = await stat(pathOf(key));
      return s.isFile() ? { key, size: s.size, lastModified: s.mtime } : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async function walk(dir: string): Promise<string[]> {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const nested = await Promise.all(
      entries.map((e) => {
        const full = join(dir, e.name);
        if (e.isDirectory()) return full === join(root, TMP) ? [] : walk(full);
        return [full];
      }),
    );
    return nested.flat();
  }

  return {
    driver: 'filesystem',
    put: async (key: string, body: Readable) => {
      const target = pathOf(key);
      const tmp = join(root, TMP, randomUUID());
      try {
        await pipeline(body, createWriteStream(tmp, { flags: 'wx' }));
        await mkdir(dirname(target), { recursive: true });
        await rename(tmp, target);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
      return (await info(key))!;
    },
    get: async (key, range) => {
      const found = await info(key);
      if (!found) throw new ObjectNotFoundError(key);
      const body = createReadStream(pathOf(key), range ? { start: range.start, end: range.end } : {});
      return { body, info: found };
    },
    stat: info,
    delete: async (key) => {
      await rm(pathOf(key), { force: true });
    },
    list: async (prefix) => {
      const files = await walk(root);
      const keys = files
        .map((f) => relative(root, f).split(sep).join('/'))
        .filter((k) => k.startsWith(prefix));
      const infos = await Promise.all(keys.sort().map((k) => info(k)));
      return infos.filter((i): i is ObjectInfo => i !== null);
    },
    ping: async () => {
      const probe = join(root, TMP, `.probe-${process.pid}`);
      await access(root, constants.W_OK);
      await writeFile(probe, '');
      await rm(probe, { force: true });
    },
    close: async () => {},
  };
}
