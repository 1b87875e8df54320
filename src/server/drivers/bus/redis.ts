// Redis bus: a command connection for publishing and probes, and a dedicated subscriber connection.
// node-redis resubscribes after a reconnect; a self-addressed probe also replaces a subscriber that went
// silently dead (no error, no messages), which a TCP-level view alone would not notice.
import { randomUUID } from 'node:crypto';
import type { RedisClientType } from 'redis';
import type { Logger } from '../../logger.js';
import { withTimeout } from '../../util/timeout.js';
import { redisClient } from '../redis-client.js';
import { type Bus, type BusListener, TopicListeners } from './bus.js';

export interface RedisBusOptions {
  url: string;
  keyPrefix: string;
  probeIntervalMs: number;
  /** Called for every reconnect or replacement, for metrics. */
  onReconnect?: (connection: 'commands' | 'subscriber') => void;
}

const PING_TIMEOUT_MS = 1000;

export async function createRedisBus(opts: RedisBusOptions, log: Logger): Promise<Bus> {
  const listeners = new TopicListeners();
  const resync = new Set<() => void>();
  const probeTopic = `${opts.keyPrefix}probe:${randomUUID()}`;
  let lastProbeAt = Date.now();
  let closed = false;

  const commands = redisClient(opts.url);
  watch(commands, 'commands');
  await commands.connect();

  const dispatch = (payload: string, topic: string) => {
    if (topic === probeTopic) lastProbeAt = Date.now();
    else listeners.emit(topic, payload);
  };

  function watch(client: RedisClientType, name: 'commands' | 'subscriber', onReady?: () => void) {
    let readyOnce = false;
    client.on('error', (err: Error) =>
      log.warn({ err: err.message, connection: name }, 'redis connection error'),
    );
    client.on('ready', () => {
      if (readyOnce) {
        log.info({ connection: name }, 'redis reconnected');
        opts.onReconnect?.(name);
        onReady?.();
      }
      readyOnce = true;
    });
  }

  async function connectSubscriber(): Promise<RedisClientType> {
    const client = commands.duplicate({ disableOfflineQueue: false }) as RedisClientType;
    watch(client, 'subscriber', emitResync);
    await client.connect();
    await client.subscribe([probeTopic, ...listeners.topics()], dispatch);
    return client;
  }

  function emitResync() {
    lastProbeAt = Date.now();
    for (const fn of resync) fn();
  }

  let subscriber = await connectSubscriber();
  let replacing = false;

  const probe = setInterval(() => {
    if (closed || replacing || !commands.isReady) return;
    commands.publish(probeTopic, '1').catch(() => {});
    if (Date.now() - lastProbeAt <= opts.probeIntervalMs * 3) return;
    // Redis answers commands but our probes stopped arriving: the subscription is dead. Replace it.
    replacing = true;
    log.warn({ silentForMs: Date.now() - lastProbeAt }, 'redis subscriber missed its probes; replacing it');
    const old = subscriber;
    connectSubscriber()
      .then((fresh) => {
        subscriber = fresh;
        old.destroy();
        opts.onReconnect?.('subscriber');
        emitResync();
      })
      .catch((err: Error) => log.warn({ err: err.message }, 'replacing redis subscriber failed; will retry'))
      .finally(() => {
        replacing = false;
      });
  }, opts.probeIntervalMs);
  probe.unref();

  return {
    driver: 'redis',
    publish: async (topic, payload) => {
      await commands.publish(topic, payload);
    },
    subscribe: async (topic, listener: BusListener) => {
      if (listeners.add(topic, listener)) await subscriber.subscribe(topic, dispatch);
      return async () => {
        if (listeners.remove(topic, listener) && subscriber.isReady) await subscriber.unsubscribe(topic);
      };
    },
    onResync: (fn) => {
      resync.add(fn);
      return () => resync.delete(fn);
    },
    ping: async () => {
      await withTimeout(commands.ping(), PING_TIMEOUT_MS, 'redis ping');
      if (!subscriber.isReady) throw new Error('redis subscriber connection is down');
    },
    close: async () => {
      closed = true;
      clearInterval(probe);
      await Promise.allSettled([subscriber.close(), commands.close()]);
    },
  };
}
