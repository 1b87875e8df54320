// GET /v1/admin/status: version, uptime, each dependency (driver, a live probe's latency, and its health as
// the drivers saw it: drivers/health.ts), the replicas seen through the bus heartbeat, and the drain state.
import { readFileSync } from 'node:fs';
import type { Deps } from '../deps.js';
import { check } from '../http/routes/health.js';
import type { Cluster } from './cluster.js';

/** package.json sits three levels up both from src/server/admin (tsx) and dist/server/admin (npm start). */
function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

export const VERSION = readVersion();

export async function status(deps: Deps, cluster: Cluster, startedAt: number) {
  const { db, bus, sharedState, store, config, lifecycle, health } = deps;
  const timeoutMs = config.env.READINESS_TIMEOUT;
  const [postgres, redis, storage] = await Promise.all([
    check(db.driver, timeoutMs, () => db.ping()),
    check(bus.driver, timeoutMs, () => Promise.all([bus.ping(), sharedState.ping()])),
    check(store.driver, timeoutMs, () => store.ping()),
  ]);
  const dependency = (name: 'postgres' | 'redis' | 'storage', c: typeof postgres) => ({
    name,
    ...c,
    ...(health ? { up: health[name].up, outages: health[name].outages } : {}),
  });
  return {
    version: VERSION,
    node: process.version,
    env: config.env.NODE_ENV,
    replica: cluster.id,
    startedAt: new Date(startedAt).toISOString(),
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    draining: lifecycle.draining,
    dependencies: [
      dependency('postgres', postgres),
      dependency('redis', redis),
      dependency('storage', storage),
    ],
    replicas: cluster.replicas(),
  };
}
