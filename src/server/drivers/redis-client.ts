// Redis connections with deadlines, shared by the Redis drivers (bus, shared state). node-redis bounds a
// command only until it is written, so a paused or partitioned Redis (socket open, no answers) would hang
// every caller: here each command gets its own deadline, and a connection that misses one counts as stalled.
// While stalled (or offline) commands fail at once instead of queueing; a probe clears the stall, and a
// connection stalled for three deadlines is replaced. Connecting never blocks the caller past connectTimeoutMs.
import { createClient, type RedisClientType } from 'redis';
import type { Logger } from '../logger.js';
import { DeadlineExceededError, withTimeout } from '../util/timeout.js';
import type { DependencyHealth } from './health.js';
import { DependencyDownError } from './outage.js';

export const DEFAULT_COMMAND_TIMEOUT_MS = 2000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
/**
 * node-redis writes its queued commands once per event-loop turn and cuts a turn's write short once the
 * socket's buffer passes its high-water mark. At Node's 16 KiB a busy server (turns of 10-30 ms, bus
 * payloads of ~13 KiB) handed Redis a command or two per turn, so publishes queued client-side for seconds
 * and missed their deadline while Redis idled. At this mark a turn writes all it has queued (up to 8 MiB):
 * the same bytes node-redis would otherwise hold in its own queue.
 */
export const SOCKET_HIGH_WATER_MARK = 8 * 1024 * 1024;
/** A stalled connection is replaced once it has been stalled for this many command deadlines. */
const REPLACE_AFTER_DEADLINES = 3;

/** Never connected: each connection is its duplicate, since every createClient builds a client class anew. */
let template: RedisClientType | undefined;

/**
 * A node-redis client with bounded connect and capped reconnect backoff. Without an offline queue (the
 * default) commands fail at once while disconnected; subscribers keep one so subscriptions survive it.
 */
export function redisClient(
  url: string,
  opts: { connectTimeoutMs?: number; offlineQueue?: boolean } = {},
): RedisClientType {
  template ??= createClient() as RedisClientType;
  return template.duplicate({
    url,
    disableOfflineQueue: !opts.offlineQueue,
    socket: {
      connectTimeout: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000),
      // net.createConnection hands it to the Socket, which honours it; node-redis's types leave it out.
      ...{ writableHighWaterMark: SOCKET_HIGH_WATER_MARK },
    },
  }) as RedisClientType;
}

/** Ends a client without waiting on a Redis that may never answer. */
export async function closeClient(client: RedisClientType, ms: number): Promise<void> {
  if (!client.isOpen) return;
  await withTimeout(client.close(), ms, 'redis close').catch(() => {
    if (client.isOpen) client.destroy();
  });
}

/** Resolves once client is ready, fails to connect once, or ms pass: whichever comes first. */
export function firstAttempt(client: RedisClientType, ms: number): Promise<boolean> {
  if (client.isReady) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      client.off('error', done);
      resolve(client.isReady);
    };
    const timer = setTimeout(done, ms);
    client.once('ready', done);
    client.once('error', done);
  });
}

export interface RedisConnectionOptions {
  url: string;
  /** Names the connection in logs and metrics. */
  name: string;
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  health: DependencyHealth;
  log: Logger;
  /** The connection came back after it was lost, stalled or replaced: what it carried meanwhile is lost. */
  onRecovered?: () => void;
  /** Every reconnect or replacement, for metrics. */
  onReconnect?: () => void;
}

export class RedisConnection {
  #client: RedisClientType;
  #stalledSince: number | undefined;
  #lastReplaced = 0;
  #probe: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #timeoutMs: number;
  readonly #connectMs: number;

  constructor(private readonly opts: RedisConnectionOptions) {
    this.#timeoutMs = opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.#connectMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.#client = this.#open();
  }

  /** Waits for the first connection attempt, at most connectTimeoutMs; false means serving without Redis. */
  async started(): Promise<boolean> {
    const ok = await firstAttempt(this.#client, this.#connectMs);
    if (!ok && !this.#closed) {
      this.opts.health.failed(new DeadlineExceededError('redis connect', this.#connectMs));
    }
    return ok;
  }

  /** The current client, for duplicate(); it changes when a stalled connection is replaced. */
  get client(): RedisClientType {
    return this.#client;
  }

  /** Connected and answering. */
  get ready(): boolean {
    return this.#client.isReady && this.#stalledSince === undefined;
  }

  /** Runs one command (or MULTI) within the command deadline; outages reject with `unavailable`. */
  run<T>(what: string, fn: (client: RedisClientType) => Promise<T>): Promise<T> {
    return this.opts.health.call(async () => {
      if (this.#closed) throw new DependencyDownError('redis connection closed');
      if (this.#stalledSince !== undefined) throw new DependencyDownError('redis connection stalled');
      if (!this.#client.isReady) throw new DependencyDownError('redis connection not open');
      try {
        return await withTimeout(fn(this.#client), this.#timeoutMs, `redis ${what}`);
      } catch (err) {
        if (err instanceof DeadlineExceededError) this.#stall();
        throw err;
      }
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#probe);
    await closeClient(this.#client, this.#timeoutMs);
  }

  #open(): RedisClientType {
    const client = redisClient(this.opts.url, { connectTimeoutMs: this.#connectMs });
    let readyOnce = false;
    client.on('error', (err: Error) => {
      if (this.#client !== client) return;
      this.opts.health.failed(err);
      this.opts.log.debug({ err: err.message, connection: this.opts.name }, 'redis connection error');
    });
    client.on('ready', () => {
      if (this.#client !== client || this.#closed) return;
      if (readyOnce) {
        this.opts.log.debug({ connection: this.opts.name }, 'redis reconnected');
        this.opts.onReconnect?.();
        if (this.#stalledSince === undefined) this.opts.onRecovered?.();
      }
      readyOnce = true;
    });
    // Resolves on the first ready; node-redis keeps retrying until then. Rejects only when closed.
    client.connect().catch(() => {});
    return client;
  }

  #stall(): void {
    if (this.#stalledSince !== undefined || this.#closed) return;
    this.#stalledSince = Date.now();
    this.opts.log.debug({ connection: this.opts.name }, 'redis connection stalled');
    this.#scheduleProbe();
  }

  #scheduleProbe(): void {
    this.#probe = setTimeout(() => void this.#probeOnce(), Math.min(500, this.#timeoutMs));
    this.#probe.unref();
  }

  async #probeOnce(): Promise<void> {
    if (this.#closed || this.#stalledSince === undefined) return;
    const client = this.#client;
    const answered =
      client.isReady &&
      (await withTimeout(client.ping(), this.#timeoutMs, 'redis probe').then(
        () => true,
        () => false,
      ));
    if (this.#closed) return;
    if (answered && client === this.#client) {
      this.#stalledSince = undefined;
      this.opts.log.debug({ connection: this.opts.name }, 'redis connection answers again');
      this.opts.health.ok();
      this.opts.onRecovered?.();
      return;
    }
    const replaceAfter = this.#timeoutMs * REPLACE_AFTER_DEADLINES;
    const now = Date.now();
    if (now - this.#stalledSince >= replaceAfter && now - this.#lastReplaced >= replaceAfter) {
      // A connection that stays silent may be dead for good (a peer gone without a reset): start afresh.
      this.#lastReplaced = now;
      const old = this.#client;
      this.#client = this.#open();
      if (old.isOpen) old.destroy();
      this.opts.onReconnect?.();
    }
    this.#scheduleProbe();
  }
}
