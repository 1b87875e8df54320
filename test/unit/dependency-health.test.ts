// The per-dependency health tracker on a hand-driven clock: one log line when an outage starts and one when
// it ends, however many calls fail; recovery only after a quiet time (also when calls then stop); and call()
// mapping outages to `unavailable` while passing every other error through.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DependencyHealth } from '../../src/server/drivers/health.js';
import { DependencyDownError } from '../../src/server/drivers/outage.js';
import { DomainError, invalidInput } from '../../src/server/errors/domain-error.js';
import { captureLog } from '../helpers/log-capture.js';
import { ManualTimers } from '../helpers/manual-timers.js';

const down = () => new DependencyDownError('connection refused');

function tracker(quietMs = 1000) {
  const timers = new ManualTimers();
  const log = captureLog('debug');
  const health = new DependencyHealth('postgres', log.log, { timers, quietMs });
  return { timers, log, health };
}

describe('DependencyHealth', () => {
  it('logs an outage once however many calls fail, and its end once', async () => {
    const { timers, log, health } = tracker();
    for (let i = 0; i < 300; i++) {
      health.failed(down());
      await timers.advance(3);
    }
    assert.equal(health.up, false);
    assert.equal(log.count('postgres unavailable'), 1);
    const [line] = log.lines().filter((l) => l.msg === 'postgres unavailable');
    assert.equal(line?.reason, 'connection refused');
    assert.equal(line?.level, 40);

    await timers.advance(1000);
    for (let i = 0; i < 50; i++) health.ok();
    assert.equal(health.up, true);
    assert.equal(log.count('postgres recovered'), 1);
    const [back] = log.lines().filter((l) => l.msg === 'postgres recovered');
    assert.equal(back?.failedCalls, 300);
    assert.equal(back?.downMs, 300 * 3 + 1000);
    assert.equal(health.outages, 1);
  });

  it('does not flap while some calls fail and others succeed', async () => {
    const { timers, log, health } = tracker();
    for (let i = 0; i < 100; i++) {
      health.failed(down());
      await timers.advance(100);
      health.ok();
      await timers.advance(100);
    }
    assert.equal(health.up, false, 'successes within a second of a failure are not a recovery');
    assert.equal(log.count('postgres unavailable'), 1);
    assert.equal(log.count('postgres recovered'), 0);
    await timers.advance(1000);
    assert.equal(health.up, true, 'recovered once the failures stopped for the quiet time');
    assert.equal(log.count('postgres recovered'), 1);
  });

  it('declares recovery after the quiet time even when the last success came too early and calls stopped', async () => {
    const { timers, log, health } = tracker();
    health.failed(down());
    await timers.advance(200);
    health.ok();
    assert.equal(health.up, false);
    await timers.advance(799);
    assert.equal(log.count('postgres recovered'), 0);
    await timers.advance(1);
    assert.equal(health.up, true);
    assert.equal(log.count('postgres recovered'), 1);
  });

  it('starts a second outage with a second line', async () => {
    const { timers, log, health } = tracker();
    health.failed(down());
    await timers.advance(1000);
    health.ok();
    health.failed(down());
    assert.equal(log.count('postgres unavailable'), 2);
    assert.equal(health.outages, 2);
  });

  it('call() maps outages to unavailable and counts them; other errors pass untouched', async () => {
    const { log, health } = tracker();
    const refusal = invalidInput('invalid_data', 'no');
    await assert.rejects(
      health.call(async () => {
        throw refusal;
      }),
      (err) => err === refusal,
    );
    const bug = new TypeError('boom');
    await assert.rejects(
      health.call(async () => {
        throw bug;
      }),
      (err) => err === bug,
    );
    assert.equal(health.up, true, 'errors that are no outage do not mark the dependency down');

    const cause = down();
    await assert.rejects(
      health.call(async () => {
        throw cause;
      }),
      (err: unknown) =>
        err instanceof DomainError &&
        err.code === 'unavailable' &&
        err.status === 503 &&
        err.retryAfterMs === 1000 &&
        err.cause === cause,
    );
    assert.equal(health.up, false);
    assert.equal(await health.call(async () => 42), 42);
    assert.equal(log.count('postgres unavailable'), 1);
  });
});
