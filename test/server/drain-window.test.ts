// SIGTERM on a server process: for DRAIN_READINESS_WINDOW the listener stays open and answers /readyz with
// 503 `draining` on new connections (so a proxy that pools connections sees it and stops routing), new
// WebSocket upgrades are refused, open sockets stay until the window ends, then the drain closes them
// with 1012 and the process exits 0.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, startServerProcess, uid, until } from '../helpers/services.js';
import { refusedWith, WsClient } from '../helpers/ws-client.js';

const KEY = `key-${uid(12)}`;

describe('drain readiness window', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db.drop();
  });

  it('answers 503 draining on new connections and refuses upgrades before closing', async () => {
    const srv = await startServerProcess({
      DATABASE_URL: db.url,
      API_KEYS: KEY,
      DRAIN_TIMEOUT: '8s',
      DRAIN_READINESS_WINDOW: '3s',
      LOG_LEVEL: 'info',
    });
    const wsUrl = `${srv.url.replace('http', 'ws')}/v1/ws?token=${KEY}`;
    const open = await WsClient.connect(wsUrl);
    let closedAt: number | undefined;
    void open.closed.then(() => {
      closedAt = Date.now();
    });

    srv.proc.kill('SIGTERM');
    // A fresh connection each time (no keep-alive reuse), as a proxy's new probe would open.
    const draining = await until(
      'readiness to report draining',
      async () => {
        const res = await fetch(`${srv.url}/readyz`, {
          headers: { Connection: 'close' },
          signal: AbortSignal.timeout(5000),
        });
        return res.status === 503 ? ((await res.json()) as { status: string }) : undefined;
      },
      5000,
      20,
    );
    const sawDrainingAt = Date.now();
    assert.equal(draining.status, 'draining');

    const refused = await refusedWith(wsUrl);
    assert.equal(refused.code, 4503, 'a new upgrade during the window is refused');
    assert.match(refused.reason, /^draining: /);
    assert.equal(closedAt, undefined, 'open sockets stay until the window ends');

    const { code } = await open.closed;
    assert.equal(code, 1012);
    assert.ok((closedAt ?? 0) >= sawDrainingAt, 'sockets closed only after readiness failed');
    assert.equal(await srv.exited, 0, srv.output());
    const out = srv.output();
    assert.ok(
      out.indexOf('"msg":"not ready: draining soon"') < out.indexOf('"msg":"draining"'),
      'readiness failed before the listener closed',
    );
    assert.match(out, /"msg":"drained"/);
  });
});
