// The suite's own checkers, on made-up evidence: a ledger that misses, repeats or reorders offsets must say
// so, the readiness judge must catch a late drop and a lie, the log scan must find a leaked secret, and the
// fault proxy must really hold bytes while stalled. A checker that cannot fail would prove nothing.
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import { describe, test } from 'node:test';
import { startFaultProxy } from './fault-proxy.js';
import { Ledger } from './ledger.js';
import { scanLogs } from './log-scan.js';
import { isRetryable } from './publisher.js';
import { DOWN_BOUND_MS, judgeReadiness, type Sample } from './readiness-watch.js';

describe('ledger', () => {
  test('in order, once: nothing to report', () => {
    const l = new Ledger();
    for (let o = 1; o <= 5; o++) l.onMessage(o);
    assert.deepEqual(l.settle(5), { ...l.counts, silent: 0 });
    assert.equal(l.since, 5);
  });

  test('a skipped offset is silent unless it shows up later (then out of order)', () => {
    const l = new Ledger();
    for (const o of [1, 2, 4, 5]) l.onMessage(o);
    assert.equal(l.settle(5).silent, 1);
    l.onMessage(3);
    assert.deepEqual([l.settle(5).silent, l.counts.outOfOrder], [0, 1]);
  });

  test('duplicates and a missing tail are counted', () => {
    const l = new Ledger();
    for (const o of [1, 2, 2, 3]) l.onMessage(o);
    const c = l.settle(6);
    assert.deepEqual([c.duplicates, c.silent], [1, 3]);
  });

  test('recovered:false and gap frames tell; the ledger resumes after them', () => {
    const l = new Ledger();
    l.onMessage(1);
    l.onSubscribed(10, false);
    l.onMessage(11);
    l.onGap(12, 14);
    l.onMessage(15);
    const c = l.settle(15);
    assert.deepEqual([c.silent, c.told, c.toldEvents, l.since], [0, 12, 2, 15]);
  });

  test('a gap frame that starts past the next offset leaves the skipped part silent', () => {
    const l = new Ledger();
    l.onMessage(1);
    l.onGap(4, 5);
    const c = l.settle(5);
    assert.deepEqual([c.silent, c.told, c.anomalies.length], [2, 2, 1]);
  });
});

describe('readiness judge', () => {
  const series = (from: number, to: number, ok: (t: number) => boolean): Sample[] => {
    const out: Sample[] = [];
    for (let t = from; t <= to; t += 250) out.push({ at: t, t: t + 10, ok: ok(t) });
    return out;
  };
  const fault = { label: 'x', replicas: [0], start: 1000, end: 11_000, expectDown: true, measureUp: true };

  test('a drop within the bound and a prompt return pass', () => {
    const v = judgeReadiness([series(0, 20_000, (t) => t < 2000 || t >= 11_500)], [fault], 0);
    assert.deepEqual(v.violations, []);
    assert.equal(v.maxDownLagMs, 1010);
    assert.equal(v.maxUpLagMs, 510);
  });

  test('a late drop, 200s during the outage and a 503 with nothing wrong are violations', () => {
    const late = series(0, 25_000, (t) => t < 1000 + DOWN_BOUND_MS + 2000 || (t >= 11_500 && t !== 23_000));
    const v = judgeReadiness([late], [fault], 0);
    const said = v.violations.join('\n');
    assert.match(said, /still ready after 7010 ms/);
    assert.match(said, /200 at 5\.3 s into a 10\.0 s outage/);
    assert.match(said, /1 answers other than 200 with nothing wrong/);
    assert.ok(v.falseReady > 0);
    assert.equal(v.spurious, 1);
  });
});

test('publish outcomes: 4xx and 500 do not invite a retry, 503/429/timeouts do', () => {
  const err = (status: number, code = 'x') => ({ kind: 'error' as const, status, code, retryAfter: false });
  assert.deepEqual(
    [err(503), err(429), err(502), err(500), err(400), err(0, 'publish_failed'), err(0, 'internal')].map(
      isRetryable,
    ),
    [true, true, true, false, false, true, false],
  );
  assert.equal(isRetryable({ kind: 'unknown', reason: 'timeout' }), true);
});

test('log scan finds secrets, tokens and signatures, and only those', () => {
  const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4eHh4eHgifQ.c2lnbmF0dXJlc2lnbmF0dXJl';
  const text = [
    '{"msg":"listening"}',
    '{"msg":"request","url":"/v1/ws?token=KEY-1234567890"}',
    `{"msg":"x","t":"${token}"}`,
    '{"url":"http://s3/b/k?X-Amz-Signature=abc"}',
  ].join('\n');
  const scan = scanLogs(text, { 'API key': 'KEY-1234567890' }, [token]);
  assert.deepEqual(scan.findings.map((f) => f.kind).sort(), [
    'API key',
    'JWT-shaped token',
    'X-Amz-Signature',
    'client token #1',
  ]);
  assert.ok(!scan.findings.some((f) => f.example.includes('KEY-1234567890')), 'examples are masked');
});

test('fault proxy: forwards, delays, holds bytes while stalled and lets them through on heal', async () => {
  const echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  const proxy = await startFaultProxy({ host: '127.0.0.1', port: (echo.address() as { port: number }).port });
  const sock = connect(proxy.port, '127.0.0.1');
  let got = '';
  sock.on('data', (d) => {
    got += d.toString();
  });
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  // Bounded waits for arrivals, so a loaded machine only makes the test slower, never wrong.
  const arrived = async (text: string) => {
    for (let i = 0; i < 100 && got !== text; i++) await wait(50);
    return got;
  };
  try {
    sock.write('a');
    assert.equal(await arrived('a'), 'a');
    proxy.stall();
    sock.write('b');
    await wait(300);
    assert.equal(got, 'a', 'bytes moved while stalled');
    proxy.heal();
    assert.equal(await arrived('ab'), 'ab');
    proxy.delay(200);
    const sent = Date.now();
    sock.write('c');
    assert.equal(await arrived('abc'), 'abc');
    // 200 ms each way: the echo cannot be back sooner than 400 ms.
    assert.ok(Date.now() - sent >= 400, `delayed bytes came back after ${Date.now() - sent} ms`);
  } finally {
    sock.destroy();
    await proxy.close();
    echo.close();
  }
});
