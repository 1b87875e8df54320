// The expiry clock of WebSocket connections: fires once at the expiry and never before it (also with timers
// that fire early or late), moves with each refresh, waits past setTimeout's range, and stops when cleared.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExpiryClock } from '../../src/server/channels/token-expiry.js';
import type { Timers } from '../../src/server/util/timers.js';
import { ManualTimers } from '../helpers/manual-timers.js';

/** Timers that fire off the time asked for: late, like a loaded event loop, or early by a tenth. */
function skewed(inner: ManualTimers, skew: number | 'early'): Timers {
  const delay = (ms: number) => (skew === 'early' ? Math.max(1, Math.floor(ms * 0.9)) : ms + skew);
  return {
    now: () => inner.now(),
    setTimeout: (fn, ms) => inner.setTimeout(fn, ms === 0 ? 0 : delay(ms)),
    clearTimeout: (handle) => inner.clearTimeout(handle),
  };
}

function clockOn(timers: Timers) {
  const fired: number[] = [];
  const clock = new ExpiryClock(() => fired.push(timers.now()), timers);
  return { clock, fired };
}

describe('ExpiryClock', () => {
  it('fires once, at the expiry, and reports expired from then on', async () => {
    const timers = new ManualTimers();
    const { clock, fired } = clockOn(timers);
    clock.set(2_000);
    await timers.advance(1_999);
    assert.deepEqual([fired, clock.expired()], [[], false]);
    await timers.advance(1);
    assert.deepEqual([fired, clock.expired()], [[2_000], true]);
    await timers.advance(10_000);
    assert.deepEqual(fired, [2_000]);
    assert.equal(timers.pending, 0);
  });

  it('never fires before the expiry when the timer fires early', async () => {
    const timers = new ManualTimers();
    const { clock, fired } = clockOn(skewed(timers, 'early'));
    clock.set(1_000);
    await timers.advance(999);
    assert.equal(fired.length, 0);
    await timers.advance(1);
    assert.deepEqual(fired, [1_000]);
  });

  it('is expired at the expiry even while a late timer has not had its turn', async () => {
    const timers = new ManualTimers();
    const { clock, fired } = clockOn(skewed(timers, 50));
    clock.set(1_000);
    await timers.advance(1_000);
    assert.deepEqual([fired, clock.expired()], [[], true]);
    await timers.advance(50);
    assert.deepEqual(fired, [1_050]);
  });

  it('moves with each set: one timer, for the latest expiry only', async () => {
    const timers = new ManualTimers();
    const { clock, fired } = clockOn(timers);
    clock.set(1_000);
    await timers.advance(500);
    clock.set(5_000);
    assert.equal(timers.pending, 1);
    await timers.advance(1_000);
    assert.deepEqual([fired, clock.expired()], [[], false]);
    await timers.advance(3_500);
    assert.deepEqual(fired, [5_000]);
    assert.equal(clock.expiresAt, 5_000);
  });

  it('waits past setTimeout range by re-arming, and an expiry in the past fires at once', async () => {
    const timers = new ManualTimers();
    const { clock, fired } = clockOn(timers);
    const fortyDays = 40 * 24 * 3_600_000;
    clock.set(fortyDays);
    await timers.advance(2 ** 31);
    assert.deepEqual(fired, []);
    await timers.advance(fortyDays);
    assert.deepEqual(fired, [fortyDays]);
    const late = clockOn(timers);
    late.clock.set(timers.now() - 1);
    await timers.advance(0);
    assert.equal(late.fired.length, 1);
  });

  it('never expires without an expiry, and stops when cleared', async () => {
    const timers = new ManualTimers();
    const { clock, fired } = clockOn(timers);
    clock.set(undefined);
    assert.equal(timers.pending, 0);
    clock.set(1_000);
    clock.clear();
    await timers.advance(5_000);
    assert.deepEqual(fired, []);
    assert.equal(timers.pending, 0);
  });
});
