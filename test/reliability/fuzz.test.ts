// Seeded fuzzing of one replica (real PostgreSQL, Redis, MinIO): 3,000 WebSocket frames and 1,000 HTTP
// requests. The replica must not crash, answer no 5xx and no `internal` error frame, close connections only
// with protocol codes, keep answering pings on the same socket, and log no secret.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createTestDatabase,
  REDIS_URL,
  type ServerProcess,
  startS3,
  startServerProcess,
  uid,
} from '../helpers/services.js';
import { fuzzRequest } from './fuzz-http.js';
import { fuzzWebSocket } from './fuzz-ws-driver.js';
import { scanLogs } from './log-scan.js';
import { SEED, seeded } from './random.js';
import { writeReport } from './report.js';
import { type FuzzPart, type FuzzTarget, savePart } from './results.js';

const WS_FRAMES = 3000;
const HTTP_REQUESTS = 1000;

describe('fuzzing one replica', { timeout: 5 * 60_000 }, () => {
  const apiKey = `fz-key-${uid(16)}`;
  const jwtSecret = `fz-jwt-${uid(24)}`;
  let s3: Awaited<ReturnType<typeof startS3>>;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: ServerProcess;
  const targets: FuzzTarget[] = [];
  const started = Date.now();
  const part: FuzzPart = {
    finishedAt: '',
    seed: SEED,
    durationS: 0,
    targets,
    crashed: false,
    errorLogLines: 0,
    logScans: [],
  };

  before(async () => {
    [s3, db] = await Promise.all([startS3(), createTestDatabase()]);
    server = await startServerProcess({
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: `fz-${uid()}:`,
      API_KEYS: apiKey,
      JWT_SECRET: jwtSecret,
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY: s3.accessKey,
      S3_SECRET_KEY: s3.secretKey,
      S3_BUCKET: `fz-${uid()}`,
      // The fuzzer sends far more than a client would; rate limits would turn most cases into 429s.
      RATE_LIMIT_API_KEY: '1000000',
    });
  });

  after(async () => {
    await server?.stop();
    await db?.drop();
    part.finishedAt = new Date().toISOString();
    part.durationS = Math.round((Date.now() - started) / 1000);
    if (targets.length > 0) {
      savePart('fuzz', part);
      writeReport();
    }
  });

  test(`${WS_FRAMES} WebSocket frames: no internal error, no 1011, pings answered`, async () => {
    const t = await fuzzWebSocket(server.url.replace(/^http/, 'ws'), apiKey, WS_FRAMES, seeded(SEED));
    targets.push(t);
    assert.equal(t.internalFrames, 0, 'internal error frames');
    assert.equal(t.closes['1011'] ?? 0, 0, 'connections closed with 1011 (internal error)');
    assert.equal(t.pingsAnswered, t.pingsSent, 'pings left unanswered');
  });

  test(`${HTTP_REQUESTS} HTTP requests: no 5xx`, async () => {
    const random = seeded(SEED + 1);
    const t: FuzzTarget = {
      target: 'HTTP requests',
      cases: 0,
      answers: {},
      http5xx: 0,
      internalFrames: 0,
      closes: {},
      pingsAnswered: 0,
      pingsSent: 0,
      examples5xx: [],
    };
    targets.push(t);
    for (let i = 0; i < HTTP_REQUESTS; i++) {
      const req = fuzzRequest(random, apiKey);
      t.cases++;
      const res = await fetch(`${server.url}${req.path}`, {
        method: req.method,
        headers: req.headers,
        ...(req.body !== undefined ? { body: req.body } : {}),
        signal: AbortSignal.timeout(10_000),
      }).catch((err: Error) => ({ status: 0, text: async () => err.message }));
      const text = await res.text().catch(() => '');
      const key = `${res.status}`;
      t.answers[key] = (t.answers[key] ?? 0) + 1;
      if (res.status >= 500 || res.status === 0) {
        t.http5xx++;
        if (t.examples5xx.length < 8)
          t.examples5xx.push(
            `${req.kind}: ${req.method} ${req.path.slice(0, 80)} -> ${res.status} ${text.slice(0, 120)}`,
          );
      }
    }
    assert.deepEqual(t.examples5xx, [], `${t.http5xx} answers of 5xx (or no answer)`);
  });

  test('the replica is still up, logged no crash and no secret', async () => {
    part.crashed = server.proc.exitCode !== null || server.proc.signalCode !== null;
    const health = await fetch(`${server.url}/healthz`).then(
      (r) => r.status,
      () => 0,
    );
    const lines = server.output().split('\n');
    part.errorLogLines = lines.filter((l) => /"level":(50|60)/.test(l)).length;
    const scan = scanLogs(
      server.output(),
      { 'API key': apiKey, 'JWT secret': jwtSecret, 'S3 secret key': s3.secretKey },
      [],
    );
    part.logScans.push({ source: 'the fuzzed replica', scan });
    assert.equal(part.crashed, false, 'the replica exited');
    assert.equal(health, 200);
    assert.ok(
      !/unhandled rejection|uncaughtException/i.test(server.output()),
      'unhandled errors were logged',
    );
    assert.deepEqual(scan.findings, []);
  });
});
