// Picks the shared state behind rate limits and presence: Redis when REDIS_URL is set (shared by every
// replica), otherwise this process's memory (one replica; the bus driver warns about that at start).
import type { Config } from '../../config/load.js';
import type { Logger } from '../../logger.js';
import type { DependencyHealth } from '../health.js';
import { createMemorySharedState } from './memory.js';
import { createRedisSharedState } from './redis.js';
import type { SharedState } from './shared-state.js';

export type { SetEntry, SharedState, WindowCount } from './shared-state.js';

export async function createSharedState(
  cfg: Config['redis'],
  log: Logger,
  health?: DependencyHealth,
): Promise<SharedState> {
  if (cfg.url) {
    return createRedisSharedState(
      {
        url: cfg.url,
        keyPrefix: cfg.keyPrefix,
        commandTimeoutMs: cfg.commandTimeoutMs,
        connectTimeoutMs: cfg.connectTimeoutMs,
      },
      log.child({ driver: 'redis', component: 'shared-state' }),
      health,
    );
  }
  return createMemorySharedState();
}
