// Liveness (/healthz), readiness (/readyz, every dependency checked with its latency) and /metrics.
// Each check is bounded by READINESS_TIMEOUT, so a hung dependency makes /readyz answer 503 naming it
// within that time instead of hanging the probe.
import { Router } from 'express';
import type { Deps } from '../../deps.js';
import { DomainError } from '../../errors/domain-error.js';
import { withTimeout } from '../../util/timeout.js';
import { metricsHandler } from './metrics.js';

export interface Check {
  driver: string;
  ok: boolean;
  latencyMs: number;
  error?: string;
}

/** The reason an operator needs: for an outage, what the driver saw rather than the client message. */
function reason(err: unknown): string {
  if (err instanceof DomainError && err.cause instanceof Error) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** One probe bounded by timeoutMs, with its latency; /readyz and the admin status use it. */
export async function check(
  driver: string,
  timeoutMs: number,
  probe: () => Promise<unknown>,
): Promise<Check> {
  const start = performance.now();
  const latency = () => Math.round((performance.now() - start) * 100) / 100;
  try {
    await withTimeout(probe(), timeoutMs, `${driver} check`);
    return { driver, ok: true, latencyMs: latency() };
  } catch (err) {
    return { driver, ok: false, latencyMs: latency(), error: reason(err) };
  }
}

const IN_PROCESS_BUS =
  'in-process bus (REDIS_URL is not set): messages, presence and rate limits stay in this replica; run one replica only';

export function healthRouter({ db, bus, sharedState, store, metrics, lifecycle, config }: Deps): Router {
  const router = Router();
  const timeoutMs = config.env.READINESS_TIMEOUT;

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const [postgres, redis, storage] = await Promise.all([
      check(db.driver, timeoutMs, () => db.ping()),
      // Pub/sub and the shared state (rate limits, presence) hold connections of their own.
      check(bus.driver, timeoutMs, () => Promise.all([bus.ping(), sharedState.ping()])),
      check(store.driver, timeoutMs, () => store.ping()),
    ]);
    // Without REDIS_URL there is no Redis to report: the check is the in-process bus, and says what that means.
    const checks =
      bus.driver === 'memory'
        ? { postgres, bus: { ...redis, note: IN_PROCESS_BUS }, storage }
        : { postgres, redis, storage };
    const failing = Object.entries(checks)
      .filter(([, c]) => !c.ok)
      .map(([name]) => name);
    res.setHeader('Cache-Control', 'no-store');
    if (lifecycle.draining) {
      res.status(503).json({ status: 'draining', failing, checks });
    } else if (failing.length > 0) {
      res.status(503).json({ status: 'unavailable', failing, checks });
    } else {
      res.json({ status: 'ready', checks });
    }
  });

  // With METRICS_PORT, /metrics is served by a listener of its own (server.ts), not here.
  if (config.env.METRICS_ENABLED && config.env.METRICS_PORT === undefined) {
    router.get('/metrics', metricsHandler(metrics, config.env.METRICS_TOKEN));
  }
  return router;
}
