// The authorization matrix as a test: two replicas (one with PUBLIC_CHANNELS=room-*, one without) on real
// PostgreSQL, Redis and MinIO; every caller kind against every action over HTTP and WebSocket, compared
// with the statuses the docs promise (authz-matrix.ts). Then the replicas' logs are scanned for secrets.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import type { WebSocket } from 'ws';
import {
  createTestDatabase,
  REDIS_URL,
  type ServerProcess,
  startS3,
  startServerProcess,
  uid,
} from '../helpers/services.js';
import { ACTIONS, type ActionName, EXPECTED, PRINCIPALS, type PrincipalName } from './authz-matrix.js';
import { openSocket, subscribeOn, wsSubscribe } from './authz-ws.js';
import { scanLogs } from './log-scan.js';
import { SEED } from './random.js';
import { writeReport } from './report.js';
import { type AuthzCell, savePart } from './results.js';

describe('authorization matrix', { timeout: 3 * 60_000 }, () => {
  const apiKey = `az-key-${uid(16)}`;
  const jwtSecret = `az-jwt-${uid(24)}`;
  const tokens: string[] = [];
  const cells: AuthzCell[] = [];
  const logScans: { source: string; scan: ReturnType<typeof scanLogs> }[] = [];
  const started = Date.now();
  let s3: Awaited<ReturnType<typeof startS3>>;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let withPublic: ServerProcess;
  let withoutPublic: ServerProcess;

  const call = async (base: string, method: string, path: string, credential?: string, body?: unknown) => {
    const headers: Record<string, string> = credential ? { authorization: `Bearer ${credential}` } : {};
    let payload: string | undefined;
    if (typeof body === 'string') {
      headers['content-type'] = 'text/plain';
      payload = body;
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(`${base}${path}`, { method, headers, body: payload, redirect: 'manual' });
    const json = (await res.json().catch(() => ({}))) as {
      error?: { code?: string };
      token?: string;
      id?: string;
    };
    if (json.token) tokens.push(json.token);
    return { status: res.status, code: json.error?.code ?? '', json };
  };
  const mint = async (grant: Record<string, unknown>) => {
    const r = await call(withPublic.url, 'POST', '/v1/tokens', apiKey, grant);
    assert.equal(r.status, 201);
    return r.json.token as string;
  };
  const upload = async () => {
    const r = await call(withPublic.url, 'POST', '/v1/files?name=a.txt', apiKey, 'matrix');
    assert.equal(r.status, 201);
    return r.json.id as string;
  };

  before(async () => {
    [s3, db] = await Promise.all([startS3(), createTestDatabase()]);
    const env = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: `az-${uid()}:`,
      API_KEYS: apiKey,
      JWT_SECRET: jwtSecret,
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY: s3.accessKey,
      S3_SECRET_KEY: s3.secretKey,
      S3_BUCKET: `az-${uid()}`,
      FILES_DOWNLOAD_MODE: 'redirect',
      // The matrix makes many anonymous calls from one address in a second; limits are not under test.
      RATE_LIMIT_ANONYMOUS: '100000',
      RATE_LIMIT_TOKEN: '100000',
    };
    withPublic = await startServerProcess({ ...env, PUBLIC_CHANNELS: 'room-*' });
    withoutPublic = await startServerProcess(env);
  });

  after(async () => {
    await Promise.all([withPublic?.stop(), withoutPublic?.stop()]);
    await db?.drop();
    if (cells.length === 0) return;
    savePart('authorization', {
      finishedAt: new Date().toISOString(),
      seed: SEED,
      durationS: Math.round((Date.now() - started) / 1000),
      cells,
      logScans,
    });
    writeReport();
  });

  test('every caller gets the documented status for every action', async () => {
    const expiring = await mint({
      subscribe: ['room-*'],
      publish: ['room-1'],
      files: ['upload', 'read'],
      ttl: 1,
    });
    const credentials: Record<PrincipalName, string | undefined> = {
      'API key': apiKey,
      'token room-*': await mint({ subscribe: ['room-*'], publish: ['room-1'], sub: 'alice' }),
      'token files': await mint({ files: ['upload', 'read'], sub: 'bob' }),
      'expired token': expiring,
      'wrong-secret token': await new SignJWT({ subscribe: ['*'], publish: ['*'], files: ['upload', 'read'] })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer('paasport')
        .setJti(uid())
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(`not-the-secret-${uid(16)}`)),
      'anonymous, public room-*': undefined,
      'anonymous, no public': undefined,
      'token expired while connected': undefined,
    };
    // Sockets opened while this token is valid, used once it has expired.
    const connected = await mint({ subscribe: ['room-*'], publish: ['room-1'], ttl: 2 });
    credentials['token expired while connected'] = connected;
    const early = new Map<string, WebSocket>();
    for (const channel of ['room-1', 'other-1']) {
      const ws = await openSocket(withPublic.url, connected);
      assert.ok(!Array.isArray(ws), `the token was refused before it expired: ${ws}`);
      early.set(channel, ws as WebSocket);
    }
    const onEarly = (channel: string) => subscribeOn(early.get(channel) as WebSocket, channel);
    await call(withPublic.url, 'POST', '/v1/channels/room-1/messages', apiKey, { data: 'seed' });
    // Token expiry has one-second resolution: wait until both short tokens are surely past it.
    await new Promise((r) => setTimeout(r, 3200));
    for (const principal of PRINCIPALS) {
      const base = principal === 'anonymous, no public' ? withoutPublic.url : withPublic.url;
      const cred = credentials[principal];
      const run: Record<ActionName, () => Promise<[number, string]>> = {} as never;
      const http = (method: string, path: string, body?: unknown) => async (): Promise<[number, string]> => {
        const r = await call(base, method, path, cred, body);
        return [r.status, r.code];
      };
      Object.assign(run, {
        'publish room-1': http('POST', '/v1/channels/room-1/messages', { data: { by: principal } }),
        'publish room-2': http('POST', '/v1/channels/room-2/messages', { data: 1 }),
        'subscribe room-1 (WS)': () =>
          principal === 'token expired while connected'
            ? onEarly('room-1')
            : wsSubscribe(base, 'room-1', cred),
        'subscribe other-1 (WS)': () =>
          principal === 'token expired while connected'
            ? onEarly('other-1')
            : wsSubscribe(base, 'other-1', cred),
        'history room-1': http('GET', '/v1/channels/room-1/messages'),
        'history other-1': http('GET', '/v1/channels/other-1/messages'),
        'channel info room-1': http('GET', '/v1/channels/room-1'),
        'presence room-1': http('GET', '/v1/channels/room-1/presence'),
        'count room-1': http('GET', '/v1/channels/room-1/count'),
        'mint token': http('POST', '/v1/tokens', { subscribe: ['room-*'], ttl: 60 }),
        'upload file': http('POST', '/v1/files?name=b.txt', 'hello'),
        'start direct upload': http('POST', '/v1/files/uploads', {
          name: 'c.txt',
          contentType: 'text/plain',
          size: 5,
        }),
        'read file (API key upload)': async () => http('GET', `/v1/files/${await upload()}`)(),
        'delete file (API key upload)': async () => http('DELETE', `/v1/files/${await upload()}`)(),
      });
      for (const action of ACTIONS) {
        const [actual, code] = await run[action]();
        cells.push({ principal, action, expected: EXPECTED[principal][action], actual, code });
      }
    }
    const wrong = cells.filter((c) => c.actual !== c.expected);
    assert.deepEqual(
      wrong.map((c) => `${c.principal} / ${c.action}: ${c.actual} ${c.code} (expected ${c.expected})`),
      [],
    );
  });

  test('the replicas logged no secret, token or signed URL', () => {
    const logs = `${withPublic.output()}\n${withoutPublic.output()}`;
    const secrets = { 'API key': apiKey, 'JWT secret': jwtSecret, 'S3 secret key': s3.secretKey };
    const scan = scanLogs(logs, secrets, tokens);
    logScans.push({ source: 'the 2 matrix replicas', scan });
    assert.ok(scan.lines > 0, 'the replicas logged nothing: the scan would prove nothing');
    assert.deepEqual(scan.findings, []);
  });
});
