// Files against real PostgreSQL and an S3 server (s3rver): the shared suite, with presigned URLs on the
// public endpoint (here `localhost`, while the server talks to 127.0.0.1).
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { createTestDatabase, startS3, uid } from '../helpers/services.js';
import { fileSuite } from './suite.js';

let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
let s3: Awaited<ReturnType<typeof startS3>> | undefined;
const bucket = `files-${uid(4)}`;

fileSuite({
  name: 'PostgreSQL + S3',
  async start(env) {
    db ??= await createTestDatabase();
    s3 ??= await startS3();
    return startTestServer({
      DATABASE_URL: db.url,
      S3_ENDPOINT: s3.endpoint,
      S3_PUBLIC_ENDPOINT: s3.endpoint.replace('127.0.0.1', 'localhost'),
      S3_ACCESS_KEY: s3.accessKey,
      S3_SECRET_KEY: s3.secretKey,
      S3_BUCKET: bucket,
      ...env,
    });
  },
  async leftovers(server: TestServer) {
    const rows = await server.deps.db.query<{ id: string; status: string }>('SELECT id, status FROM files');
    const ready = new Set(rows.rows.filter((r) => r.status === 'ready').map((r) => `files/${r.id}`));
    const objects = await server.deps.store.list('files/');
    return {
      pending: rows.rows.length - ready.size,
      orphanObjects: objects.filter((o) => !ready.has(o.key)).length,
      tempFiles: 0,
    };
  },
  async stop() {
    await s3?.stop();
    await db?.drop();
  },
  verifiesSignatures: false,
  expectPublicUrl(url) {
    assert.ok(url.startsWith(`${s3!.endpoint.replace('127.0.0.1', 'localhost')}/${bucket}/files/`), url);
    assert.match(url, /X-Amz-Signature=/);
  },
});
