// The node-redis client settings shared by the Redis drivers (bus, shared state): bounded connect, capped
// backoff on reconnect, and no offline queue, so commands fail fast while Redis is unreachable.
import { createClient, type RedisClientType } from 'redis';

export function redisClient(url: string): RedisClientType {
  return createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 5000,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000),
    },
  }) as RedisClientType;
}
