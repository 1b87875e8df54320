// Removes the keys a benchmark deployment left in the shared Redis (each deployment has its own prefix).
import { createClient } from 'redis';
import { REDIS_URL } from '../lib/pg.js';

export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const client = createClient({ url: REDIS_URL });
  client.on('error', () => {});
  try {
    await client.connect();
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) await client.del(keys);
    }
  } catch {
    // Keys of a benchmark prefix are harmless leftovers; cleanup must not fail a run.
  } finally {
    if (client.isOpen) await client.quit();
  }
}
