// Files against real PostgreSQL and a real S3 server (MinIO): the shared suite, with presigned URLs on the
// public endpoint (here `localhost`, while the server talks to 127.0.0.1).
import assert from 'node:assert/strict';
import { Client } from 'minio';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { createTestDatabase, startS3, uid } from '../helpers/services.js';
import { fileSuite } from './suite.js';

async function incompleteUploads(): Promise<number> {
  if (!s3) return 0;
  const { hostname, port } = new URL(s3.endpoint);
  const client = new Client({
    endPoint: hostname,
    port: Number(port),
    useSSL: false,
    accessKey: s3.accessKey,
    secretKey: s3.secretKey,
  });
  let count = 0;
  for await (const _upload of client.listIncompleteUploads(bucket, 'files/', true)) count++;
  return count;
}

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
      // A multipart upload that was neither completed nor aborted keeps its parts (and their bytes) in S3.
      orphanObjects: objects.filter((o) => !ready.has(o.key)).length + (await incompleteUploads()),
      tempFiles: 0,
    };
  },
  async stop() {
    await s3?.stop();
    await db?.drop();
  },
  verifiesSignatures: true,
  expectPublicUrl(url) {
    assert.ok(url.startsWith(`${s3!.endpoint.replace('127.0.0.1', 'localhost')}/${bucket}/files/`), url);
    assert.match(url, /X-Amz-Signature=/);
  },
});
