// Message retention scheduling with node:test's mocked clock and a recording database: disabled bounds never
// touch the database, the age cutoff comes from the clock, passes never overlap, and stop waits for a pass.
// The SQL itself runs against real PostgreSQL in test/channels.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import type { QueryResult } from 'pg';
import { pruneOnce, startRetention } from '../../src/server/channels/retention.js';
import type { Database } from '../../src/server/drivers/database/index.js';
import { silentLogger } from '../../src/server/logger.js';

interface Call {
  text: string;
  params: unknown[];
  done: (rows?: unknown[]) => void;
  fail: (err: Error) => void;
}

/** A database whose queries wait until the test answers them; no channel is ever over a bound. */
function pendingDatabase(): { db: Database; calls: Call[] } {
  const calls: Call[] = [];
  const query = (text: string, params: unknown[] = []) =>
    new Promise<QueryResult>((resolve, reject) => {
      calls.push({
        text,
        params,
        done: (rows = []) => resolve({ rows } as unknown as QueryResult),
        fail: reject,
      });
    });
  const refuse = () => Promise.reject(new Error('not used by these tests'));
  const db = {
    driver: 'embedded',
    url: 'postgres://unused',
    query,
    transaction: refuse,
    ping: refuse,
    close: refuse,
  } as unknown as Database;
  return { db, calls };
}

const log = silentLogger();
const flush = () => new Promise<void>((r) => setImmediate(r));

describe('channel retention', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setInterval', 'Date'], now: Date.UTC(2026, 2, 15, 12) }));
  afterEach(() => mock.timers.reset());

  it('does nothing, and never queries, while both bounds are off', async () => {
    const { db, calls } = pendingDatabase();
    assert.equal(await pruneOnce(db, { maxAgeMs: 0, maxMessages: 0 }, log), 0);
    const stop = startRetention(db, { maxAgeMs: 0, maxMessages: 0 }, 1000, log);
    mock.timers.tick(10_000);
    await flush();
    await stop();
    assert.equal(calls.length, 0);
  });

  it('cuts off by age from the current clock and passes both bounds to the query', async () => {
    const { db, calls } = pendingDatabase();
    const pass = pruneOnce(db, { maxAgeMs: 3_600_000, maxMessages: 500 }, log);
    assert.equal(calls.length, 1);
    const [maxMessages, maxAgeMs, cutoff] = calls[0]!.params;
    assert.equal(maxMessages, 500);
    assert.equal(maxAgeMs, 3_600_000);
    assert.deepEqual(cutoff, new Date(Date.UTC(2026, 2, 15, 11)));
    calls[0]!.done([]);
    assert.equal(await pass, 0);
  });

  it('runs a pass each interval, never two at once, and stop waits for the running one', async () => {
    const { db, calls } = pendingDatabase();
    const stop = startRetention(db, { maxAgeMs: 0, maxMessages: 100 }, 1000, log);
    mock.timers.tick(999);
    assert.equal(calls.length, 0, 'nothing before the first interval');
    mock.timers.tick(1);
    assert.equal(calls.length, 1);
    // The first pass is still waiting on the database: later ticks skip rather than pile up.
    mock.timers.tick(5000);
    assert.equal(calls.length, 1);
    calls[0]!.done();
    await flush();
    mock.timers.tick(1000);
    assert.equal(calls.length, 2, 'the next interval after the pass finished starts a new one');

    let stopped = false;
    const stopping = stop().then(() => {
      stopped = true;
    });
    await flush();
    assert.equal(stopped, false, 'stop waits for the pass in flight');
    calls[1]!.done();
    await stopping;
    mock.timers.tick(10_000);
    assert.equal(calls.length, 2, 'no pass after stop');
  });

  it('keeps running after a failed pass', async () => {
    const { db, calls } = pendingDatabase();
    const stop = startRetention(db, { maxAgeMs: 60_000, maxMessages: 0 }, 1000, log);
    mock.timers.tick(1000);
    calls[0]!.fail(new Error('connection reset'));
    await flush();
    mock.timers.tick(1000);
    assert.equal(calls.length, 2);
    calls[1]!.done();
    await stop();
  });
});
