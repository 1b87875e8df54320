// Fixed-window rate limits keyed by principal (API key, token, or client IP). Redis makes a limit shared by
// every replica; without Redis the counters live in this process. If Redis cannot answer, requests pass:
// an outage of the limiter must not take the API down with it.
import type { RedisClientType } from 'redis';
import type { Principal } from '../auth/principal.js';
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

type Counter = (key: string, windowMs: number) => Promise<{ count: number; ttlMs: number }>;

function limiter(limits: RateLimits, counter: Counter, log: Logger): RateLimiter {
  let lastWarn = 0;
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
        const { count, ttlMs } = await counter(principal.id, limits.windowMs);
        const retryAfterMs = ttlMs > 0 ? ttlMs : limits.windowMs;
        return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), retryAfterMs };
      } catch (err) {
        if (Date.now() - lastWarn > 10_000) {
          lastWarn = Date.now();
          log.warn({ err }, 'rate limiter unavailable; letting requests through');
        }
        return unlimited(limit);
      }
    },
  };
}

export function createRedisRateLimiter(
  redis: RedisClientType,
  prefix: string,
  limits: RateLimits,
  log: Logger,
): RateLimiter {
  return limiter(
    limits,
    async (id, windowMs) => {
      const key = `${prefix}rl:${id}`;
      // NX: the first hit of a window starts its clock; later hits only count.
      const [count, , ttl] = await redis.multi().incr(key).pExpire(key, windowMs, 'NX').pTTL(key).exec();
      return { count: Number(count), ttlMs: Number(ttl) };
    },
    log,
  );
}

export function createMemoryRateLimiter(limits: RateLimits, log: Logger): RateLimiter & { stop(): void } {
  const windows = new Map<string, { count: number; resetAt: number }>();
  const sweeper = setInterval(
    () => {
      const now = Date.now();
      for (const [id, w] of windows) if (w.resetAt <= now) windows.delete(id);
    },
    Math.max(limits.windowMs, 1000),
  );
  sweeper.unref();
  const base = limiter(
    limits,
    async (id, windowMs) => {
      const now = Date.now();
      let w = windows.get(id);
      if (!w || w.resetAt <= now) {
        w = { count: 0, resetAt: now + windowMs };
        windows.set(id, w);
      }
      w.count++;
      return { count: w.count, ttlMs: w.resetAt - now };
    },
    log,
  );
  return { ...base, stop: () => clearInterval(sweeper) };
}
