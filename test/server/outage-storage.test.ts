// Object storage paused (MinIO under SIGSTOP: connections open, no answers): downloads and uploads answer
// 503 `unavailable` with Retry-After once S3_REQUEST_TIMEOUT passes instead of hanging, readiness names
// storage, the log holds one outage line, and files are served again once MinIO resumes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMinio } from '../../scripts/test-services.mjs';
import { startTestServer, type TestServer } from '../helpers/app.js';
import { captureLog } from '../helpers/log-capture.js';
import { createTestDatabase, uid, until } from '../helpers/services.js';

const KEY = `key-${uid(12)}`;
const AUTH = { Authorization: `Bearer ${KEY}` };
const BODY = Buffer.from('stored before the pause\n');

async function upload(url: string): Promise<Response> {
  return fetch(`${url}/v1/files?name=note.txt`, {
    method: 'POST',
    headers: { ...AUTH, 'Content-Type': 'text/plain' },
    body: BODY,
    signal: AbortSignal.timeout(15_000),
  });
}

async function assertUnavailable(res: Response): Promise<void> {
  assert.equal(res.status, 503);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(res.headers.get('retry-after'), '1');
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'unavailable');
  assert.match(body.error.message, /storage/);
}

describe('object storage paused', () => {
  let minio: Awaited<ReturnType<typeof startMinio>>;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let srv: TestServer;
  const log = captureLog();

  before(async () => {
    [minio, db] = await Promise.all([startMinio(), createTestDatabase()]);
    srv = await startTestServer(
      {
        DATABASE_URL: db.url,
        API_KEYS: KEY,
        S3_ENDPOINT: minio.endpoint,
        S3_ACCESS_KEY: minio.accessKey,
        S3_SECRET_KEY: minio.secretKey,
        S3_BUCKET: `b-${uid()}`,
        S3_REQUEST_TIMEOUT: '1s',
        READINESS_TIMEOUT: '2s',
      },
      log.log,
    );
  });
  after(async () => {
    process.kill(minio.pid, 'SIGCONT');
    await srv.close();
    await minio.stop();
    await db.drop();
  });

  it('fails file requests fast with 503, reports once, and serves again after', async (t) => {
    const created = await upload(srv.url);
    assert.equal(created.status, 201);
    const file = (await created.json()) as { url: string };
    const fetchFile = () => fetch(file.url, { headers: AUTH, signal: AbortSignal.timeout(15_000) });
    assert.equal((await fetchFile()).status, 200);

    process.kill(minio.pid, 'SIGSTOP');
    const started = performance.now();
    await assertUnavailable(await fetchFile());
    t.diagnostic(`download answered 503 ${Math.round(performance.now() - started)} ms into the pause`);
    await assertUnavailable(await upload(srv.url));
    const down = await until('readiness to name storage', async () => {
      const res = await fetch(`${srv.url}/readyz`, { signal: AbortSignal.timeout(10_000) });
      return res.status === 503 ? ((await res.json()) as { failing: string[] }) : undefined;
    });
    assert.deepEqual(down.failing, ['storage']);
    assert.equal(log.count('storage unavailable'), 1);
    assert.deepEqual(
      log.lines().filter((l) => l.level >= 50),
      [],
      'no error lines (stack traces) per failed request',
    );

    process.kill(minio.pid, 'SIGCONT');
    const back = await until('the file to be served again', async () => {
      const res = await fetchFile();
      return res.status === 200 ? res : undefined;
    });
    assert.deepEqual(Buffer.from(await back.arrayBuffer()), BODY);
    await until('the recovery line', () => (log.count('storage recovered') === 1 ? true : undefined));
    assert.equal(log.count('storage unavailable'), 1);
  });
});
