// Per-replica fan-out. Each channel with local subscribers has a feed (feed.ts) fed by one bus
// subscription, this replica's own commits and gap fills from PostgreSQL (gap-fill.ts). Subscribers see
// every offset once, in order, across bus reorders, losses and resyncs, or a `gap` frame naming what they
// cannot get (offsets deleted by retention, or PostgreSQL unreadable for too long).
import type { Bus } from '../drivers/bus/index.js';
import type { Logger } from '../logger.js';
import { realTimers, type Timers } from '../util/timers.js';
import type { ChannelMetrics } from './channel-metrics.js';
import { Feed, type Subscription } from './feed.js';
import type { Delivery } from './frames.js';
import { type FillStore, GapFill } from './gap-fill.js';
import type { Outbox } from './outbox.js';
import type { ChannelStore } from './store.js';

export type { Subscription } from './feed.js';

export type FanOutStore = FillStore & Pick<ChannelStore, 'lastOffsets'>;

/** A feed with its bus subscription and gap fill, for as long as the channel has local subscribers. */
interface Served {
  feed: Feed;
  fill: GapFill;
  ready: Promise<void>;
  /** Subscribers waiting for ready; the feed is kept while there are any. */
  joining: number;
  unsubscribe: (() => Promise<void>) | undefined;
}

export class FanOut {
  readonly #served = new Map<string, Served>();
  #closed = false;

  constructor(
    private readonly bus: Bus,
    private readonly store: FanOutStore,
    private readonly outbox: Pick<Outbox, 'write'>,
    private readonly topicPrefix: string,
    private readonly metrics: ChannelMetrics,
    private readonly log: Logger,
    private readonly timers: Timers = realTimers,
  ) {}

  topic(channel: string): string {
    return `${this.topicPrefix}ch:${channel}`;
  }

  channels(): string[] {
    return [...this.#served.keys()];
  }

  /**
   * Adds a subscription in replay mode (live frames queue up) and returns the offset it starts after:
   * everything up to it must come from history, everything later arrives through the queue.
   */
  async attach(sub: Subscription): Promise<number> {
    if (this.#closed) throw new Error('server is shutting down');
    const served = this.#serve(sub.channel);
    served.joining++;
    try {
      await served.ready;
    } finally {
      served.joining--;
    }
    if (served.feed.closed) return this.attach(sub);
    sub.queue = [];
    served.feed.subs.add(sub);
    return served.feed.delivered;
  }

  /** Ends replay mode: queued live frames go out now, later ones directly. Call in the same tick as the replay. */
  release(sub: Subscription): void {
    const queued = sub.queue ?? [];
    sub.queue = null;
    for (const framed of queued) this.outbox.write(sub.peer, framed);
    this.metrics.deliveries.inc(queued.length);
  }

  detach(sub: Subscription): void {
    const served = this.#served.get(sub.channel);
    if (!served?.feed.subs.delete(sub)) return;
    if (served.feed.subs.size === 0 && served.joining === 0) this.#drop(served);
  }

  /** Messages this replica just committed: delivered locally at once, the bus echo is then a duplicate. */
  local(channel: string, deliveries: Delivery[]): void {
    const served = this.#served.get(channel);
    if (!served) return;
    for (const d of deliveries) this.#accept(served, d.offset, d.frame);
  }

  /** After the bus lost messages (reconnect, replaced subscriber): every feed re-reads what it missed. */
  resync(): void {
    for (const served of this.#served.values()) served.fill.request('resync', 0);
  }

  /** Safety net: compares PostgreSQL's last offsets with what was delivered and fills any difference. */
  async sweep(): Promise<void> {
    const last = await this.store.lastOffsets(this.channels());
    for (const [channel, offset] of last) {
      const served = this.#served.get(channel);
      if (served?.feed.initialized && offset > served.feed.delivered) served.fill.request('sweep');
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#served.values()];
    this.#served.clear();
    for (const served of all) {
      served.feed.closed = true;
      served.fill.cancel();
    }
    await Promise.allSettled(all.map((s) => s.unsubscribe?.()));
    this.metrics.localChannels.set(0);
  }

  #serve(channel: string): Served {
    const existing = this.#served.get(channel);
    if (existing) return existing;
    const feed = new Feed(channel, this.outbox, this.metrics, this.log);
    const fill = new GapFill(feed, this.store, this.timers, this.metrics, this.log);
    const served: Served = { feed, fill, ready: Promise.resolve(), joining: 0, unsubscribe: undefined };
    this.#served.set(channel, served);
    this.metrics.localChannels.set(this.#served.size);
    served.ready = this.#init(served);
    // Joiners see the failure through ready; keep it from being reported as unhandled meanwhile.
    served.ready.catch(() => {});
    return served;
  }

  async #init(served: Served): Promise<void> {
    const { feed } = served;
    try {
      // Subscribe before reading the last offset, so nothing committed in between can be missed.
      served.unsubscribe = await this.bus.subscribe(this.topic(feed.channel), (payload) =>
        this.#onPayload(served, payload),
      );
      const last = await this.store.lastOffsets([feed.channel]);
      feed.start(last.get(feed.channel) ?? 0);
      if (feed.holding) served.fill.request('gap');
    } catch (err) {
      this.#drop(served);
      throw err;
    }
  }

  #onPayload(served: Served, payload: string): void {
    if (served.feed.closed) return;
    try {
      for (const line of payload.split('\n')) {
        if (line.startsWith('p ')) {
          served.feed.presence(line.slice(2));
          continue;
        }
        const space = line.indexOf(' ');
        const offset = Number(line.slice(0, space));
        if (space > 0 && Number.isSafeInteger(offset)) this.#accept(served, offset, line.slice(space + 1));
      }
    } catch (err) {
      this.log.error({ err, channel: served.feed.channel }, 'delivering a bus payload failed');
    }
  }

  #accept(served: Served, offset: number, frame: string): void {
    served.feed.accept(offset, frame);
    if (served.feed.holding && served.feed.initialized) served.fill.request('gap');
  }

  #drop(served: Served): void {
    const { feed } = served;
    if (this.#served.get(feed.channel) === served) this.#served.delete(feed.channel);
    feed.closed = true;
    served.fill.cancel();
    this.metrics.localChannels.set(this.#served.size);
    const unsubscribe = served.unsubscribe;
    served.unsubscribe = undefined;
    unsubscribe?.().catch((err: unknown) => this.log.debug({ err }, 'bus unsubscribe failed'));
  }
}
