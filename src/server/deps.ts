// What createApp needs: config, logger, the drivers, metrics and the lifecycle. Built by main.ts
// (or by tests) and passed down; nothing below reads process.env or builds its own drivers.
import type { Config } from './config/load.js';
import type { Bus } from './drivers/bus/index.js';
import type { Database } from './drivers/database/index.js';
import type { Health } from './drivers/health.js';
import type { ObjectStore } from './drivers/object-store/index.js';
import type { SharedState } from './drivers/shared-state/index.js';
import type { Lifecycle } from './lifecycle.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

export interface Deps {
  config: Config;
  log: Logger;
  db: Database;
  bus: Bus;
  store: ObjectStore;
  /** Rate-limit counters and presence, shared across replicas when Redis is configured. */
  sharedState: SharedState;
  metrics: Metrics;
  lifecycle: Lifecycle;
  /** Each dependency as its drivers last saw it (outages since start); absent in tests that build Deps by hand. */
  health?: Health;
}
