// Prometheus metrics (prom-client) on a registry per app instance, so tests can run several apps in one process.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  wsConnections: Gauge;
  busReconnects: Counter<'connection'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'paasport_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'paasport_http_request_duration_seconds',
      help: 'HTTP request duration by route template and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    wsConnections: new Gauge({
      name: 'paasport_websocket_connections',
      help: 'Open WebSocket connections on this replica',
      registers: [registry],
    }),
    busReconnects: new Counter({
      name: 'paasport_bus_reconnects_total',
      help: 'Reconnections or replacements of bus connections (Redis), by connection',
      labelNames: ['connection'],
      registers: [registry],
    }),
  };
}

/** Whether each dependency currently answers (as its driver last saw it), and its outages since start. */
export function registerHealthMetrics(
  metrics: Metrics,
  health: Record<string, { up: boolean; outages: number }>,
): void {
  new Gauge({
    name: 'paasport_dependency_up',
    help: 'Whether the last calls to the dependency succeeded (1) or it is in an outage (0)',
    labelNames: ['dependency'],
    registers: [metrics.registry],
    collect() {
      for (const [dependency, h] of Object.entries(health)) this.set({ dependency }, h.up ? 1 : 0);
    },
  });
  new Gauge({
    name: 'paasport_dependency_outages',
    help: 'Outages of the dependency seen since the process started',
    labelNames: ['dependency'],
    registers: [metrics.registry],
    collect() {
      for (const [dependency, h] of Object.entries(health)) this.set({ dependency }, h.outages);
    },
  });
}

/** Database pool usage, read at scrape time from the live pool. */
export function registerPoolMetrics(
  metrics: Metrics,
  pool: { totalCount: number; idleCount: number; waitingCount: number },
): void {
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [metrics.registry],
      collect() {
        this.set(read());
      },
    });
  gauge('paasport_db_pool_connections', 'Connections open in the database pool', () => pool.totalCount);
  gauge('paasport_db_pool_idle', 'Idle connections in the database pool', () => pool.idleCount);
  gauge('paasport_db_pool_waiting', 'Queries waiting for a database connection', () => pool.waitingCount);
}
