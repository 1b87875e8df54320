// Picks the bus from config: Redis when REDIS_URL is set, otherwise the single-replica in-process bus.
import type { Config } from '../../config/load.js';
import type { Logger } from '../../logger.js';
import type { DependencyHealth } from '../health.js';
import type { Bus } from './bus.js';
import { createMemoryBus } from './memory.js';
import { createRedisBus } from './redis.js';

export type { Bus, BusListener } from './bus.js';

export async function createBus(
  cfg: Config['redis'],
  log: Logger,
  onReconnect?: (connection: 'commands' | 'subscriber') => void,
  health?: DependencyHealth,
): Promise<Bus> {
  if (cfg.url) {
    return createRedisBus({ ...cfg, url: cfg.url, onReconnect }, log.child({ driver: 'redis' }), health);
  }
  log.warn(
    'REDIS_URL is not set: using the in-process bus. This serves ONE replica only; messages, presence and rate limits are not shared between replicas. Set REDIS_URL before scaling out.',
  );
  return createMemoryBus();
}
