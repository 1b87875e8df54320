// Files in embedded mode (PGlite, objects under DATA_DIR): the shared suite, with upload and download URLs
// signed and served by the server itself, plus no temp files left in DATA_DIR/objects/.incoming.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { tempDir } from '../helpers/services.js';
import { fileSuite } from './suite.js';

const dirs: Awaited<ReturnType<typeof tempDir>>[] = [];
const dataDirOf = new Map<TestServer, string>();

fileSuite({
  name: 'embedded PGlite + DATA_DIR',
  async start(env) {
    const dir = await tempDir('paasport-files-');
    dirs.push(dir);
    const server = await startTestServer({ DATA_DIR: dir.path, ...env });
    dataDirOf.set(server, dir.path);
    return server;
  },
  async leftovers(server) {
    const rows = await server.deps.db.query<{ id: string; status: string }>('SELECT id, status FROM files');
    const ready = new Set(rows.rows.filter((r) => r.status === 'ready').map((r) => `files/${r.id}`));
    const objects = await server.deps.store.list('files/');
    const temp = await readdir(join(dataDirOf.get(server)!, 'objects', '.incoming'));
    return {
      pending: rows.rows.length - ready.size,
      orphanObjects: objects.filter((o) => !ready.has(o.key)).length,
      tempFiles: temp.length,
    };
  },
  async stop() {
    for (const d of dirs) await d.remove();
  },
  verifiesSignatures: true,
  expectPublicUrl(url, server) {
    assert.ok(url.startsWith(`${server.url}/v1/files/`), url);
    assert.match(url, /[?&]expires=\d+&signature=[\w-]+$/);
  },
});
