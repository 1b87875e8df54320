// Liveness (/healthz), readiness (/readyz, every dependency checked with its latency) and /metrics.
import { Router } from 'express';
import type { Deps } from '../../deps.js';
import { withTimeout } from '../../util/timeout.js';

const CHECK_TIMEOUT_MS = 2000;

interface Check {
  driver: string;
  ok: boolean;
  latencyMs: number;
  error?: string;
}

async function check(driver: string, probe: () => Promise<void>): Promise<Check> {
  const start = performance.now();
  try {
    await withTimeout(probe(), CHECK_TIMEOUT_MS, `${driver} check`);
    return { driver, ok: true, latencyMs: Math.round((performance.now() - start) * 100) / 100 };
  } catch (err) {
    const latencyMs = Math.round((performance.now() - start) * 100) / 100;
    return { driver, ok: false, latencyMs, error: (err as Error).message };
  }
}

export function healthRouter({ db, bus, store, metrics, lifecycle, config }: Deps): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const [postgres, redis, storage] = await Promise.all([
      check(db.driver, () => db.ping()),
      check(bus.driver, () => bus.ping()),
      check(store.driver, () => store.ping()),
    ]);
    const checks = { postgres, redis, storage };
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

  if (config.env.METRICS_ENABLED) {
    router.get('/metrics', async (_req, res) => {
      res.setHeader('Content-Type', metrics.registry.contentType);
      res.send(await metrics.registry.metrics());
    });
  }
  return router;
}
