// Fixed-window rate limits keyed by principal (API key, token, or client IP), counted in the shared state:
// with Redis a limit is shared by every replica, without it the counters live in this process. If the
// shared state cannot answer, requests pass: an outage of the limiter must not take the API down with it.
import type { Principal } from '../auth/principal.js';
import type { SharedState } from '../drivers/shared-state/index.js';
import type { Logger } from '../logger.js';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Until the window resets. */
  retryAfterMs: number;
}

export interface RateLimiter {
  take(principal: Principal): Promise<RateDecision>;
}

export interface RateLimits {
  enabled: boolean;
  windowMs: number;
  apiKey: number;
  token: number;
  anonymous: number;
}

const WARN_EVERY_MS = 10_000;

/** Counts under `rl:<principal id>`; `now` only paces the outage warning, at most one per 10s. */
export function createRateLimiter(
  state: SharedState,
  limits: RateLimits,
  log: Logger,
  now: () => number = Date.now,
): RateLimiter {
  let lastWarn = -Infinity;
  const unlimited = (limit: number): RateDecision => ({
    allowed: true,
    limit,
    remaining: limit,
    retryAfterMs: 0,
  });
  return {
    async take(principal) {
      const limit =
        principal.kind === 'api-key'
          ? limits.apiKey
          : principal.kind === 'token'
            ? limits.token
            : limits.anonymous;
      if (!limits.enabled) return unlimited(limit);
      try {
        const { count, ttlMs } = await state.increment(`rl:${principal.id}`, limits.windowMs);
        const retryAfterMs = ttlMs > 0 ? ttlMs : limits.windowMs;
        return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), retryAfterMs };
      } catch (err) {
        if (now() - lastWarn > WARN_EVERY_MS) {
          lastWarn = now();
          log.warn({ err }, 'rate limiter unavailable; letting requests through');
        }
        return unlimited(limit);
      }
    },
  };
}
