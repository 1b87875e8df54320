// Runs the bus contract against every implementation: in-process memory and Redis (the shared test
// Redis under a unique key prefix; the outage case on a redis-server of the test's own).
import { createMemoryBus } from '../../src/server/drivers/bus/memory.js';
import { createRedisBus } from '../../src/server/drivers/bus/redis.js';
import { silentLogger } from '../../src/server/logger.js';
import { ownRedis } from '../helpers/redis-server.js';
import { REDIS_URL, uid } from '../helpers/services.js';
import { type BusHarness, busContract } from './bus.contract.js';

async function redisBus(url: string): Promise<BusHarness> {
  const opts = { url, keyPrefix: `contract-${uid()}:`, probeIntervalMs: 1000 };
  return {
    bus: await createRedisBus(opts, silentLogger()),
    peer: () => createRedisBus(opts, silentLogger()),
  };
}

busContract('memory', async () => ({ bus: createMemoryBus() }));
busContract(
  'redis',
  () => redisBus(REDIS_URL),
  async () => {
    const own = await ownRedis();
    const restart = async () => {
      await own.stop();
      await own.start();
    };
    return { ...(await redisBus(own.url)), interrupt: restart, cleanup: own.stop };
  },
);
