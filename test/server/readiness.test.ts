// Readiness against real drivers (PostgreSQL, Redis, MinIO), embedded mode, and Redis going away and back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { migrationNames, startTestServer } from '../helpers/app.js';
import { ownRedis } from '../helpers/redis-server.js';
import { createTestDatabase, REDIS_URL, startS3, tempDir, uid, until } from '../helpers/services.js';

interface Ready {
  status: string;
  failing?: string[];
  checks: Record<string, { driver: string; ok: boolean; latencyMs: number; error?: string }>;
}

async function readyz(url: string): Promise<{ status: number; body: Ready }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as Ready };
}

describe('readiness with real services', () => {
  let s3: Awaited<ReturnType<typeof startS3>>;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  before(async () => {
    s3 = await startS3();
    db = await createTestDatabase();
  });
  after(async () => {
    await db.drop();
    await s3.stop();
  });

  it('lists the real drivers, each ok with a latency', async () => {
    const srv = await startTestServer({
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: `${uid()}:`,
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY: s3.accessKey,
      S3_SECRET_KEY: s3.secretKey,
      S3_BUCKET: `b-${uid()}`,
    });
    try {
      const { status, body } = await readyz(srv.url);
      assert.equal(status, 200);
      assert.equal(body.status, 'ready');
      assert.equal(body.checks.postgres?.driver, 'pg');
      assert.equal(body.checks.redis?.driver, 'redis');
      assert.equal(body.checks.storage?.driver, 's3');
      for (const c of Object.values(body.checks)) {
        assert.equal(c.ok, true);
        assert.equal(typeof c.latencyMs, 'number');
      }
      const health = await fetch(`${srv.url}/healthz`);
      assert.equal(health.status, 200);
      assert.ok(health.headers.get('x-request-id'));
      const echoed = await fetch(`${srv.url}/healthz`, { headers: { 'X-Request-Id': 'abc-123' } });
      assert.equal(echoed.headers.get('x-request-id'), 'abc-123');
      const metrics = await (await fetch(`${srv.url}/metrics`)).text();
      for (const name of [
        'paasport_http_request_duration_seconds_bucket',
        'paasport_websocket_connections',
        'paasport_db_pool_connections',
        'paasport_bus_reconnects_total',
        'paasport_process_resident_memory_bytes',
      ]) {
        assert.ok(metrics.includes(name), `${name} missing from /metrics`);
      }
      assert.match(metrics, /route="\/healthz",status="200"/);
    } finally {
      await srv.close();
    }
  });

  it('reports redis down while it is stopped and recovers without a restart', async () => {
    const redis = await ownRedis();
    const srv = await startTestServer({
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      BUS_PROBE_INTERVAL: '200ms',
    });
    try {
      assert.equal((await readyz(srv.url)).status, 200);
      await redis.stop();
      const down = await until('readiness to fail', async () => {
        const r = await readyz(srv.url);
        return r.status === 503 ? r : undefined;
      });
      assert.equal(down.status, 503);
      assert.equal(down.body.status, 'unavailable', 'a failing dependency, not a drain');
      assert.deepEqual(down.body.failing, ['redis']);
      assert.equal(down.body.checks.redis?.ok, false);
      assert.ok(down.body.checks.redis?.error, 'the failing check says why');
      assert.equal(down.body.checks.postgres?.ok, true);

      await redis.start();
      await until('readiness to recover', async () =>
        (await readyz(srv.url)).status === 200 ? true : undefined,
      );
      const metrics = await (await fetch(`${srv.url}/metrics`)).text();
      const reconnects = /paasport_bus_reconnects_total\{connection="subscriber"\} (\d+)/.exec(metrics);
      assert.ok(reconnects && Number(reconnects[1]) >= 1, 'subscriber reconnect not counted');
    } finally {
      await srv.close();
      await redis.stop();
    }
  });
});

describe('embedded mode', () => {
  it('starts with no URLs, migrates and is ready', async () => {
    const dir = await tempDir();
    const srv = await startTestServer({ DATA_DIR: dir.path });
    try {
      const { status, body } = await readyz(srv.url);
      assert.equal(status, 200);
      assert.equal(body.checks.postgres?.driver, 'embedded');
      // No Redis to name: the in-process bus reports itself as such.
      assert.equal(body.checks.redis, undefined);
      assert.equal(body.checks.bus?.driver, 'memory');
      assert.match(
        String((body.checks.bus as { note?: string } | undefined)?.note),
        /in-process bus.*one replica/,
      );
      assert.equal(body.checks.storage?.driver, 'filesystem');
      const migrated = await srv.deps.db.query('SELECT name FROM pgmigrations ORDER BY name');
      assert.deepEqual(
        migrated.rows.map((r) => r.name),
        migrationNames(),
      );
    } finally {
      await srv.close();
      await dir.remove();
    }
  });
});
