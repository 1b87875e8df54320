// Runs the shared-state contract against every implementation: memory on an injected clock, and Redis
// (the shared test Redis under a unique key prefix) on real time.
import { setTimeout as sleep } from 'node:timers/promises';
import { createMemorySharedState } from '../../src/server/drivers/shared-state/memory.js';
import { createRedisSharedState } from '../../src/server/drivers/shared-state/redis.js';
import { silentLogger } from '../../src/server/logger.js';
import { REDIS_URL, uid } from '../helpers/services.js';
import { sharedStateContract } from './shared-state.contract.js';

sharedStateContract('memory', async () => {
  let now = 1_700_000_000_000;
  const state = createMemorySharedState({ now: () => now });
  const elapse = async (ms: number) => {
    now += ms;
  };
  return { state, elapse };
});
sharedStateContract('redis', async () => {
  const opts = { url: REDIS_URL, keyPrefix: `contract-${uid()}:` };
  const state = await createRedisSharedState(opts, silentLogger());
  return { state, elapse: (ms) => sleep(ms), sibling: () => createRedisSharedState(opts, silentLogger()) };
});
