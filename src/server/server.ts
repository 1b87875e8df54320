// Builds the drivers from config in dependency order, runs migrations, listens, and knows how to drain:
// readiness off, no new connections, sockets closed with 1012, in-flight requests finished, then every
// stop hook and driver closed in reverse order of creation, all within one deadline.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type App, createApp } from './app.js';
import type { Config } from './config/load.js';
import { migrate } from './db/migrate.js';
import type { Deps } from './deps.js';
import { createBus } from './drivers/bus/index.js';
import { createDatabase } from './drivers/database/index.js';
import { createObjectStore } from './drivers/object-store/index.js';
import { createSharedState } from './drivers/shared-state/index.js';
import { createLifecycle } from './lifecycle.js';
import type { Logger } from './logger.js';
import { createMetrics, registerPoolMetrics } from './metrics.js';

export interface RunningServer {
  app: App;
  deps: Deps;
  server: Server;
  port: number;
  /** Graceful stop bounded by timeoutMs; resolves when everything is closed. Safe to call twice. */
  drain(timeoutMs: number): Promise<void>;
}

type Closer = { name: string; close: () => Promise<void> };

async function closeAll(closers: Closer[], log: Logger): Promise<void> {
  for (const { name, close } of closers.reverse()) {
    await close().catch((err: unknown) => log.warn({ err, driver: name }, 'closing driver failed'));
  }
}

export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const metrics = createMetrics();
  const lifecycle = createLifecycle();
  const closers: Closer[] = [];
  let deps: Deps;
  try {
    const db = await createDatabase(config.database, log);
    closers.push({ name: 'database', close: () => db.close() });
    registerPoolMetrics(metrics, db.pool);
    if (config.env.MIGRATE_ON_START) await migrate(db, log.child({ component: 'migrate' }));
    const bus = await createBus(config.redis, log, (connection) => metrics.busReconnects.inc({ connection }));
    closers.push({ name: 'bus', close: () => bus.close() });
    const sharedState = await createSharedState(config.redis, log);
    closers.push({ name: 'shared state', close: () => sharedState.close() });
    const store = await createObjectStore(config.storage, log);
    closers.push({ name: 'storage', close: () => store.close() });
    deps = { config, log, db, bus, sharedState, store, metrics, lifecycle };
  } catch (err) {
    await closeAll(closers, log);
    throw err;
  }

  const app = createApp(deps);
  const server = createServer(app.express);
  // Longer than the 60s idle timeout of common proxies, so the proxy closes first and never hits a dead socket.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  app.gateway.attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.env.PORT, config.env.HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  log.info(
    {
      port,
      database: deps.db.driver,
      bus: deps.bus.driver,
      sharedState: deps.sharedState.driver,
      storage: deps.store.driver,
    },
    'listening',
  );

  let drained: Promise<void> | undefined;
  const drain = (timeoutMs: number) => {
    drained ??= (async () => {
      const deadline = Date.now() + timeoutMs;
      // Leave part of the budget for stop hooks and drivers once connections are done.
      const connectionsBy = deadline - Math.min(1000, timeoutMs / 4);
      lifecycle.startDrain();
      log.info({ timeoutMs, websockets: app.gateway.size }, 'draining');
      const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      const idleCloser = setInterval(() => server.closeIdleConnections(), 100);
      await Promise.all([
        app.gateway.drain(Math.max(0, connectionsBy - Date.now())),
        Promise.race([
          httpClosed,
          new Promise((r) => setTimeout(r, Math.max(0, connectionsBy - Date.now()))),
        ]),
      ]);
      clearInterval(idleCloser);
      server.closeAllConnections();
      for (const err of await lifecycle.stop()) log.warn({ err }, 'stop hook failed');
      await closeAll(closers, log);
      log.info('drained');
    })();
    return drained;
  };
  return { app, deps, server, port, drain };
}
