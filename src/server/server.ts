// Builds the drivers from config (in parallel: PostgreSQL and its migrations, Redis, object storage), listens,
// and knows how to drain: readiness off while the listener stays open for a short window, then no new
// connections, sockets closed with 1012, in-flight requests finished, then every stop hook and driver closed,
// all within one deadline. Start-up logs how long each phase took.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type App, createApp } from './app.js';
import type { Config } from './config/load.js';
import { migrate } from './db/migrate.js';
import type { Deps } from './deps.js';
import { createBus } from './drivers/bus/index.js';
import { createDatabase } from './drivers/database/index.js';
import { createHealth, type Health } from './drivers/health.js';
import { createObjectStore } from './drivers/object-store/index.js';
import { createSharedState } from './drivers/shared-state/index.js';
import { errorMiddleware } from './http/errors.js';
import { startMetricsServer } from './http/routes/metrics.js';
import { createLifecycle } from './lifecycle.js';
import type { Logger } from './logger.js';
import { createMetrics, registerHealthMetrics, registerPoolMetrics } from './metrics.js';

export interface RunningServer {
  app: App;
  deps: Deps;
  health: Health;
  server: Server;
  port: number;
  /** The port of /metrics when METRICS_PORT gives it a listener of its own. */
  metricsPort?: number;
  /**
   * Graceful stop bounded by timeoutMs; resolves when everything is closed. Safe to call twice. For the
   * first readinessWindowMs (at most half the budget) the listener stays open with readiness failing.
   */
  drain(timeoutMs: number, readinessWindowMs?: number): Promise<void>;
}

type Closer = { name: string; close: () => Promise<void> };

/** Closes every driver at once; a driver that does not finish by the deadline is left behind. */
async function closeAll(closers: Closer[], log: Logger, deadline: number): Promise<void> {
  const all = Promise.allSettled(
    closers.map(({ name, close }) =>
      close().catch((err: unknown) => log.warn({ err, driver: name }, 'closing driver failed')),
    ),
  );
  const late = await Promise.race([all.then(() => false), sleep(Math.max(0, deadline - Date.now()), true)]);
  if (late) log.warn('drivers did not close before the drain deadline');
}

/** CPU time of the process so far, user and system. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return Math.round((user + system) / 1000);
}

/** Times each start-up phase; the figures go into the `listening` log line. */
function phaseTimer() {
  const phasesMs: Record<string, number> = {};
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      phasesMs[name] = Math.round(performance.now() - start);
    }
  };
  return { phasesMs, timed };
}

export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const startedAt = performance.now();
  const { phasesMs, timed } = phaseTimer();
  const metrics = createMetrics();
  const lifecycle = createLifecycle();
  const health = createHealth(log);
  registerHealthMetrics(metrics, health);
  const onBusReconnect = (connection: 'commands' | 'subscriber') => metrics.busReconnects.inc({ connection });

  // Independent drivers connect at once; a failure of one closes the others before it is rethrown.
  const results = await Promise.allSettled([
    timed('database', () => createDatabase(config.database, log, health.postgres)).then(async (db) => {
      if (config.env.MIGRATE_ON_START) {
        await timed('migrate', () => migrate(db, log.child({ component: 'migrate' }))).catch(
          async (err: unknown) => {
            await db.close().catch(() => {});
            throw err;
          },
        );
      }
      return db;
    }),
    timed('bus', () => createBus(config.redis, log, onBusReconnect, health.redis)),
    timed('sharedState', () => createSharedState(config.redis, log, health.redis)),
    timed('storage', () => createObjectStore(config.storage, log, health.storage)),
  ]);
  const value = <T>(r: PromiseSettledResult<T>) => (r.status === 'fulfilled' ? r.value : undefined);
  const [db, bus, sharedState, store] = [
    value(results[0]),
    value(results[1]),
    value(results[2]),
    value(results[3]),
  ];
  const closers: Closer[] = [];
  if (db) closers.push({ name: 'database', close: () => db.close() });
  if (bus) closers.push({ name: 'bus', close: () => bus.close() });
  if (sharedState) closers.push({ name: 'shared state', close: () => sharedState.close() });
  if (store) closers.push({ name: 'storage', close: () => store.close() });
  const failed = results.find((r) => r.status === 'rejected');
  if (failed || !db || !bus || !sharedState || !store) {
    await closeAll(closers, log, Date.now() + 5000);
    throw (failed as PromiseRejectedResult | undefined)?.reason ?? new Error('a driver failed to start');
  }
  registerPoolMetrics(metrics, db.pool);
  const deps: Deps = { config, log, db, bus, sharedState, store, metrics, lifecycle, health };

  const app = createApp(deps);
  const server = createServer(app.handler);
  // Longer than the 60s idle timeout of common proxies, so the proxy closes first and never hits a dead socket.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  app.gateway.attach(server);
  const metricsListener =
    config.env.METRICS_ENABLED && config.env.METRICS_PORT !== undefined
      ? await startMetricsServer(
          { port: config.env.METRICS_PORT, host: config.env.HOST, token: config.env.METRICS_TOKEN },
          metrics,
          log,
          errorMiddleware,
        ).catch(async (err: unknown) => {
          await closeAll(closers, log, Date.now() + 5000);
          throw err;
        })
      : undefined;
  if (metricsListener) closers.push({ name: 'metrics listener', close: metricsListener.close });
  await timed('listen', async () => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.env.PORT, config.env.HOST, () => resolve());
    });
  });
  const { port } = server.address() as AddressInfo;
  const degraded = Object.values(health)
    .filter((h) => !h.up)
    .map((h) => h.name);
  log.info(
    {
      port,
      database: db.driver,
      bus: bus.driver,
      sharedState: sharedState.driver,
      storage: store.driver,
      // Since the process started: module loading and config before startServer, then the phases. CPU time
      // tells what start-up costs on a busy host, where wall time mostly measures the wait for a core.
      startupMs: Math.round(performance.now()),
      bootMs: Math.round(startedAt),
      cpuMs: cpuMs(),
      phasesMs,
    },
    'listening',
  );
  if (degraded.length > 0) {
    log.warn(
      { unavailable: degraded },
      `serving degraded without ${degraded.join(', ')}: readiness answers 503 until it connects (retrying in the background)`,
    );
  }

  let drained: Promise<void> | undefined;
  const drain = (timeoutMs: number, readinessWindowMs = 0) => {
    drained ??= (async () => {
      const deadline = Date.now() + timeoutMs;
      lifecycle.startDrain();
      app.gateway.refuseNew();
      // Readiness fails at once, but proxies polling it keep routing until their next probe: stay open a little.
      const windowMs = Math.min(readinessWindowMs, timeoutMs / 2);
      if (windowMs > 0) {
        log.info({ windowMs }, 'not ready: draining soon');
        await sleep(windowMs);
      }
      // Leave part of the budget for stop hooks and drivers once connections are done.
      const connectionsBy = deadline - Math.min(1000, (deadline - Date.now()) / 4);
      log.info({ timeoutMs, websockets: app.gateway.size }, 'draining');
      const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      const idleCloser = setInterval(() => server.closeIdleConnections(), 100);
      await Promise.all([
        app.gateway.drain(Math.max(0, connectionsBy - Date.now())),
        Promise.race([httpClosed, sleep(Math.max(0, connectionsBy - Date.now()))]),
      ]);
      clearInterval(idleCloser);
      server.closeAllConnections();
      // Stop hooks wait on dependencies too (bounded by their deadlines); keep a little for the drivers.
      const hooksBy = deadline - Math.min(500, Math.max(0, deadline - Date.now()) / 2);
      const stopped = await Promise.race([lifecycle.stop(), sleep(Math.max(0, hooksBy - Date.now()), null)]);
      if (stopped === null) log.warn('stop hooks did not finish before the drain deadline');
      for (const err of stopped ?? []) log.warn({ err }, 'stop hook failed');
      await closeAll(closers, log, deadline);
      log.info('drained');
    })();
    return drained;
  };
  return { app, deps, health, server, port, metricsPort: metricsListener?.port, drain };
}
