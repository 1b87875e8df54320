// Rate-limit windows on the in-memory shared state with an injected clock: limits per principal kind,
// fixed windows and their reset, sharing between replicas, the disabled switch, and failing open.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { anonymousPrincipal, apiKeyPrincipal, tokenPrincipal } from '../../src/server/auth/principal.js';
import { createRateLimiter, type RateLimits } from '../../src/server/channels/rate-limit.js';
import type { SharedState } from '../../src/server/drivers/shared-state/index.js';
import { createMemorySharedState } from '../../src/server/drivers/shared-state/memory.js';
import { silentLogger } from '../../src/server/logger.js';

const LIMITS: RateLimits = { enabled: true, windowMs: 60_000, apiKey: 5, token: 3, anonymous: 2 };
const token = (jti: string) => tokenPrincipal({ jti, subscribe: [], publish: [] });

describe('rate limiter', () => {
  let now: number;
  let state: SharedState;
  const clock = () => now;
  const limiter = (limits: Partial<RateLimits> = {}, log = silentLogger()) =>
    createRateLimiter(state, { ...LIMITS, ...limits }, log, clock);

  beforeEach(() => {
    now = 1_700_000_000_000;
    state = createMemorySharedState({ now: clock });
  });

  it('allows the limit within a window, then refuses until the window ends', async () => {
    const rl = limiter();
    const p = token('t1');
    const decisions = [];
    for (let i = 0; i < 3; i++) decisions.push(await rl.take(p));
    assert.deepEqual(
      decisions.map((d) => [d.allowed, d.remaining, d.limit]),
      [
        [true, 2, 3],
        [true, 1, 3],
        [true, 0, 3],
      ],
    );
    now += 20_000;
    const refused = await rl.take(p);
    assert.deepEqual([refused.allowed, refused.remaining, refused.retryAfterMs], [false, 0, 40_000]);
    now += 39_999;
    assert.equal((await rl.take(p)).allowed, false);
    now += 1;
    const fresh = await rl.take(p);
    assert.deepEqual([fresh.allowed, fresh.remaining, fresh.retryAfterMs], [true, 2, 60_000]);
  });

  it('keeps windows fixed: requests late in a window do not extend it', async () => {
    const rl = limiter();
    const p = token('t2');
    await rl.take(p);
    now += 59_000;
    const late = await rl.take(p);
    assert.deepEqual([late.remaining, late.retryAfterMs], [1, 1000]);
    now += 1000;
    assert.equal((await rl.take(p)).remaining, 2, 'a new window began 60s after the first request');
  });

  it('applies the limit of each principal kind, and counts each principal apart', async () => {
    const rl = limiter();
    const takeAll = async (p: Parameters<typeof rl.take>[0], n: number) => {
      const out: boolean[] = [];
      for (let i = 0; i < n; i++) out.push((await rl.take(p)).allowed);
      return out;
    };
    assert.deepEqual(await takeAll(apiKeyPrincipal('k1'), 6), [true, true, true, true, true, false]);
    assert.deepEqual(await takeAll(token('t3'), 4), [true, true, true, false]);
    assert.deepEqual(await takeAll(anonymousPrincipal('10.0.0.1', []), 3), [true, true, false]);
    assert.deepEqual(await takeAll(anonymousPrincipal('10.0.0.2', []), 1), [true], 'another IP has its own');
    assert.deepEqual(await takeAll(token('t4'), 1), [true], 'another token has its own');
  });

  it('shares one count between limiters on the same state, as replicas on one Redis do', async () => {
    const [a, b] = [limiter(), limiter()];
    const p = token('t5');
    assert.equal((await a.take(p)).remaining, 2);
    assert.equal((await b.take(p)).remaining, 1);
    assert.equal((await a.take(p)).remaining, 0);
    assert.equal((await b.take(p)).allowed, false);
  });

  it('lets everything through and counts nothing while disabled', async () => {
    const off = limiter({ enabled: false });
    const p = token('t6');
    for (let i = 0; i < 10; i++) {
      const d = await off.take(p);
      assert.deepEqual([d.allowed, d.remaining, d.retryAfterMs], [true, 3, 0]);
    }
    assert.equal((await limiter().take(p)).remaining, 2, 'disabled requests left the window untouched');
  });

  it('fails open when the shared state cannot answer, warning at most once per 10s', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const rl = limiter({}, pino({ level: 'warn' }, sink));
    const p = token('t7');
    await state.close();
    for (let i = 0; i < 5; i++) {
      const d = await rl.take(p);
      assert.deepEqual([d.allowed, d.remaining, d.limit], [true, 3, 3]);
    }
    const warnings = () => lines.filter((l) => l.includes('rate limiter unavailable')).length;
    assert.equal(warnings(), 1);
    now += 10_000;
    await rl.take(p);
    assert.equal(warnings(), 1);
    now += 1;
    await rl.take(p);
    assert.equal(warnings(), 2);
  });
});
