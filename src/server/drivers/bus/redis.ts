// Redis bus: a command connection for publishing and probes (deadlines and stall handling in
// redis-client.ts), and a dedicated subscriber connection. node-redis resubscribes after a reconnect; a
// self-addressed probe also replaces a subscriber that went silently dead (no error, no messages), which a
// TCP-level view alone would not notice. Start-up never waits on Redis past its connect timeout: the bus
// then serves degraded (publish and ping reject, subscriptions wait) and connects in the background.
import { randomUUID } from 'node:crypto';
import type { RedisClientType } from 'redis';
import type { Logger } from '../../logger.js';
import { withTimeout } from '../../util/timeout.js';
import { DependencyHealth } from '../health.js';
import { DependencyDownError } from '../outage.js';
import {
  closeClient,
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  firstAttempt,
  RedisConnection,
  redisClient,
} from '../redis-client.js';
import { type Bus, type BusListener, TopicListeners } from './bus.js';

export interface RedisBusOptions {
  url: string;
  keyPrefix: string;
  probeIntervalMs: number;
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Called for every reconnect or replacement, for metrics. */
  onReconnect?: (connection: 'commands' | 'subscriber') => void;
}

export async function createRedisBus(
  opts: RedisBusOptions,
  log: Logger,
  health = new DependencyHealth('redis', log),
): Promise<Bus> {
  const timeoutMs = opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const connectMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const listeners = new TopicListeners();
  const resync = new Set<() => void>();
  const probeTopic = `${opts.keyPrefix}probe:${randomUUID()}`;
  let lastProbeAt = Date.now();
  let closed = false;

  const emitResync = () => {
    lastProbeAt = Date.now();
    for (const fn of resync) fn();
  };
  const dispatch = (payload: string, topic: string) => {
    if (topic === probeTopic) lastProbeAt = Date.now();
    else listeners.emit(topic, payload);
  };

  const commands = new RedisConnection({
    url: opts.url,
    name: 'commands',
    commandTimeoutMs: timeoutMs,
    connectTimeoutMs: connectMs,
    health,
    log,
    onRecovered: emitResync,
    onReconnect: () => opts.onReconnect?.('commands'),
  });

  /**
   * A subscriber connecting in the background, subscribed (once it connects) to every current topic. Its
   * reconnects, and the first connect of a replacement, are resyncs: messages published meanwhile were missed.
   */
  function openSubscriber(replacement: boolean): RedisClientType {
    const client = redisClient(opts.url, { connectTimeoutMs: connectMs, offlineQueue: true });
    let readyOnce = false;
    client.on('error', (err: Error) => {
      if (client !== subscriber) return;
      health.failed(err);
      log.debug({ err: err.message, connection: 'subscriber' }, 'redis connection error');
    });
    client.on('ready', () => {
      if ((readyOnce || replacement) && client === subscriber && !closed) {
        log.debug({ connection: 'subscriber', replacement }, 'redis subscriber connected again');
        opts.onReconnect?.('subscriber');
        emitResync();
      }
      readyOnce = true;
    });
    client.connect().catch(() => {});
    client.subscribe([probeTopic, ...listeners.topics()], dispatch).catch(() => {});
    return client;
  }

  let subscriber = openSubscriber(false);
  let replacing = false;
  await Promise.all([commands.started(), firstAttempt(subscriber, connectMs)]);

  const probe = setInterval(() => {
    // While Redis itself does not answer, missing probes say nothing about the subscriber.
    if (closed || replacing || !commands.ready) return;
    commands.run('probe', (c) => c.publish(probeTopic, '1')).catch(() => {});
    if (Date.now() - lastProbeAt <= opts.probeIntervalMs * 3) return;
    // Redis answers commands but our probes stopped arriving: the subscription is dead. Replace it.
    replacing = true;
    log.warn({ silentForMs: Date.now() - lastProbeAt }, 'redis subscriber missed its probes; replacing it');
    const old = subscriber;
    subscriber = openSubscriber(true);
    void closeClient(old, timeoutMs);
    withTimeout(firstReady(subscriber), connectMs + timeoutMs, 'redis subscriber replacement')
      .catch((err: Error) => log.warn({ err: err.message }, 'new redis subscriber not connected yet'))
      .finally(() => {
        replacing = false;
        lastProbeAt = Date.now();
      });
  }, opts.probeIntervalMs);
  probe.unref();

  return {
    driver: 'redis',
    publish: async (topic, payload) => {
      await commands.run('publish', (c) => c.publish(topic, payload));
    },
    subscribe: async (topic, listener: BusListener) => {
      if (listeners.add(topic, listener)) {
        // Best effort: a subscription Redis has not confirmed yet is sent (again) when the subscriber
        // connects or is replaced, and the resync that follows fills what it missed. So wait for the
        // confirmation only while Redis answers, and then at most one command deadline.
        const confirmed = subscriber.subscribe(topic, dispatch);
        if (!subscriber.isReady || !commands.ready) confirmed.catch(() => {});
        else {
          await withTimeout(confirmed, timeoutMs, 'redis subscribe').catch((err: Error) =>
            log.debug({ err: err.message, topic }, 'redis subscribe not confirmed yet'),
          );
        }
      }
      return async () => {
        if (!listeners.remove(topic, listener) || !subscriber.isReady) return;
        await withTimeout(subscriber.unsubscribe(topic), timeoutMs, 'redis unsubscribe').catch(() => {});
      };
    },
    onResync: (fn) => {
      resync.add(fn);
      return () => resync.delete(fn);
    },
    ping: async () => {
      await commands.run('ping', (c) => c.ping());
      if (!subscriber.isReady) throw new DependencyDownError('redis subscriber connection is down');
    },
    close: async () => {
      closed = true;
      clearInterval(probe);
      await Promise.allSettled([closeClient(subscriber, timeoutMs), commands.close()]);
    },
  };
}

/** Resolves once the client is ready; rejects on nothing, so callers bound it with a deadline. */
function firstReady(client: RedisClientType): Promise<void> {
  return client.isReady ? Promise.resolve() : new Promise((resolve) => client.once('ready', resolve));
}
