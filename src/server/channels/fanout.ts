// Per-replica fan-out. Each channel with local subscribers has a feed: one bus subscription, the last offset
// delivered, and out-of-order arrivals held until the missing offsets come, from the bus or from PostgreSQL.
// Subscribers therefore see every offset once, in order, across bus reorders, losses and resyncs.
import type { Bus } from '../drivers/bus/index.js';
import type { Logger } from '../logger.js';
import type { ChannelMetrics } from './channel-metrics.js';
import { type Delivery, messageFrame } from './frames.js';
import { type Framed, frameText, type Outbox, type Peer } from './outbox.js';
import type { ChannelStore } from './store.js';

/** How long a gap may wait for the bus to bring the missing offset before PostgreSQL is asked. */
const GAP_WAIT_MS = 20;
const FILL_PAGE = 500;
const FILL_RETRY_MS = 1000;

export interface Subscription {
  readonly peer: Peer;
  readonly channel: string;
  /** Receives join/leave frames. */
  readonly presence: boolean;
  /** While the subscriber replays history, live frames wait here (null once live). */
  queue: Framed[] | null;
}

interface Feed {
  channel: string;
  topic: string;
  delivered: number;
  initialized: boolean;
  ready: Promise<void>;
  subs: Set<Subscription>;
  joining: number;
  pending: Map<number, string>;
  fillTimer: NodeJS.Timeout | undefined;
  filling: boolean;
  refill: boolean;
  closed: boolean;
  unsubscribe: (() => Promise<void>) | undefined;
}

export class FanOut {
  readonly #feeds = new Map<string, Feed>();
  #closed = false;

  constructor(
    private readonly bus: Bus,
    private readonly store: ChannelStore,
    private readonly outbox: Outbox,
    private readonly topicPrefix: string,
    private readonly metrics: ChannelMetrics,
    private readonly log: Logger,
  ) {}

  topic(channel: string): string {
    return `${this.topicPrefix}ch:${channel}`;
  }

  channels(): string[] {
    return [...this.#feeds.keys()];
  }

  /**
   * Adds a subscription in replay mode (live frames queue up) and returns the offset it starts after:
   * everything up to it must come from history, everything later arrives through the queue.
   */
  async attach(sub: Subscription): Promise<number> {
    if (this.#closed) throw new Error('server is shutting down');
    const feed = this.#feed(sub.channel);
    feed.joining++;
    try {
      await feed.ready;
    } finally {
      feed.joining--;
    }
    if (feed.closed) return this.attach(sub);
    sub.queue = [];
    feed.subs.add(sub);
    return feed.delivered;
  }

  /** Ends replay mode: queued live frames go out now, later ones directly. Call in the same tick as the replay. */
  release(sub: Subscription): void {
    const queued = sub.queue ?? [];
    sub.queue = null;
    for (const framed of queued) this.outbox.write(sub.peer, framed);
    this.metrics.deliveries.inc(queued.length);
  }

  detach(sub: Subscription): void {
    const feed = this.#feeds.get(sub.channel);
    if (!feed?.subs.delete(sub)) return;
    this.#maybeDrop(feed);
  }

  /** Messages this replica just committed: delivered locally at once, the bus echo is then a duplicate. */
  local(channel: string, deliveries: Delivery[]): void {
    const feed = this.#feeds.get(channel);
    if (!feed) return;
    for (const d of deliveries) this.#accept(feed, d.offset, d.frame);
  }

  /** After the bus lost messages (reconnect, replaced subscriber): every feed re-reads what it missed. */
  resync(): void {
    for (const feed of this.#feeds.values()) this.#scheduleFill(feed, 0, 'resync');
  }

  /** Safety net: compares PostgreSQL's last offsets with what was delivered and fills any difference. */
  async sweep(): Promise<void> {
    const last = await this.store.lastOffsets(this.channels());
    for (const [channel, offset] of last) {
      const feed = this.#feeds.get(channel);
      if (feed?.initialized && offset > feed.delivered) this.#scheduleFill(feed, GAP_WAIT_MS, 'sweep');
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const feeds = [...this.#feeds.values()];
    this.#feeds.clear();
    for (const feed of feeds) {
      feed.closed = true;
      clearTimeout(feed.fillTimer);
    }
    await Promise.allSettled(feeds.map((f) => f.unsubscribe?.()));
    this.metrics.localChannels.set(0);
  }

  #feed(channel: string): Feed {
    const existing = this.#feeds.get(channel);
    if (existing) return existing;
    const feed: Feed = {
      channel,
      topic: this.topic(channel),
      delivered: 0,
      initialized: false,
      ready: Promise.resolve(),
      subs: new Set(),
      joining: 0,
      pending: new Map(),
      fillTimer: undefined,
      filling: false,
      refill: false,
      closed: false,
      unsubscribe: undefined,
    };
    this.#feeds.set(channel, feed);
    this.metrics.localChannels.set(this.#feeds.size);
    feed.ready = this.#init(feed);
    // Joiners see the failure through ready; keep it from being reported as unhandled meanwhile.
    feed.ready.catch(() => {});
    return feed;
  }

  async #init(feed: Feed): Promise<void> {
    try {
      // Subscribe before reading the last offset, so nothing committed in between can be missed.
      feed.unsubscribe = await this.bus.subscribe(feed.topic, (payload) => this.#onPayload(feed, payload));
      const last = await this.store.lastOffsets([feed.channel]);
      feed.delivered = last.get(feed.channel) ?? 0;
      feed.initialized = true;
      this.#drain(feed);
    } catch (err) {
      this.#drop(feed);
      throw err;
    }
  }

  #onPayload(feed: Feed, payload: string): void {
    if (feed.closed) return;
    try {
      this.#onLines(feed, payload);
    } catch (err) {
      this.log.error({ err, channel: feed.channel }, 'delivering a bus payload failed');
    }
  }

  #onLines(feed: Feed, payload: string): void {
    for (const line of payload.split('\n')) {
      if (line.startsWith('p ')) {
        this.#presence(feed, line.slice(2));
        continue;
      }
      const space = line.indexOf(' ');
      const offset = Number(line.slice(0, space));
      if (space > 0 && Number.isSafeInteger(offset)) this.#accept(feed, offset, line.slice(space + 1));
    }
  }

  #accept(feed: Feed, offset: number, frame: string): void {
    if (!feed.initialized) {
      feed.pending.set(offset, frame);
      return;
    }
    if (offset <= feed.delivered) return;
    if (offset === feed.delivered + 1) {
      this.#emit(feed, offset, frame);
      this.#drain(feed);
      return;
    }
    feed.pending.set(offset, frame);
    this.#scheduleFill(feed, GAP_WAIT_MS, 'gap');
  }

  #emit(feed: Feed, offset: number, frame: string): void {
    feed.delivered = offset;
    if (feed.subs.size === 0) return;
    const framed = frameText(frame);
    let written = 0;
    for (const sub of feed.subs) {
      if (sub.queue) sub.queue.push(framed);
      else if (this.outbox.write(sub.peer, framed)) written++;
    }
    this.metrics.deliveries.inc(written);
  }

  #drain(feed: Feed): void {
    for (;;) {
      const next = feed.pending.get(feed.delivered + 1);
      if (next === undefined) break;
      feed.pending.delete(feed.delivered + 1);
      this.#emit(feed, feed.delivered + 1, next);
    }
    for (const offset of feed.pending.keys()) if (offset <= feed.delivered) feed.pending.delete(offset);
    if (feed.pending.size === 0 && !feed.refill) {
      clearTimeout(feed.fillTimer);
      feed.fillTimer = undefined;
    } else if (feed.pending.size > 0) this.#scheduleFill(feed, GAP_WAIT_MS, 'gap');
  }

  #presence(feed: Feed, frame: string): void {
    let framed: Framed | undefined;
    for (const sub of feed.subs) {
      if (!sub.presence) continue;
      framed ??= frameText(frame);
      if (sub.queue) sub.queue.push(framed);
      else this.outbox.write(sub.peer, framed);
    }
  }

  #scheduleFill(feed: Feed, delayMs: number, reason: string): void {
    if (feed.closed) return;
    if (reason !== 'gap') feed.refill = true;
    if (feed.filling || feed.fillTimer) return;
    feed.fillTimer = setTimeout(() => {
      feed.fillTimer = undefined;
      void this.#fill(feed, reason);
    }, delayMs);
  }

  async #fill(feed: Feed, reason: string): Promise<void> {
    if (feed.closed || feed.filling || !feed.initialized) return;
    if (feed.pending.size === 0 && !feed.refill) return;
    feed.filling = true;
    feed.refill = false;
    this.metrics.gapFills.inc({ reason });
    let retry = false;
    try {
      for (let page = 0; page < 1000 && !feed.closed; page++) {
        const rows = await this.store.range(feed.channel, feed.delivered, FILL_PAGE);
        const first = rows[0];
        if (first && first.offset > feed.delivered + 1) this.#skip(feed, first.offset - 1);
        for (const row of rows) this.#accept(feed, row.offset, messageFrame(feed.channel, row));
        if (rows.length < FILL_PAGE) break;
      }
      // Offsets below a held arrival are committed (publishers are serialised per channel), so if they are
      // not in PostgreSQL now, retention deleted them: skip ahead rather than wait forever.
      const held = Math.min(...feed.pending.keys());
      if (feed.pending.size > 0 && held > feed.delivered + 1) this.#skip(feed, held - 1);
    } catch (err) {
      retry = true;
      this.log.warn({ err, channel: feed.channel }, 'filling a channel gap from PostgreSQL failed; retrying');
    } finally {
      feed.filling = false;
    }
    if (retry) this.#scheduleFill(feed, FILL_RETRY_MS, reason);
    else if (feed.refill || feed.pending.size > 0) this.#scheduleFill(feed, 0, 'gap');
  }

  #skip(feed: Feed, to: number): void {
    this.log.warn(
      { channel: feed.channel, from: feed.delivered + 1, to },
      'offsets no longer stored (retention); subscribers skip them',
    );
    feed.delivered = to;
    this.#drain(feed);
  }

  #maybeDrop(feed: Feed): void {
    if (feed.subs.size === 0 && feed.joining === 0) this.#drop(feed);
  }

  #drop(feed: Feed): void {
    if (this.#feeds.get(feed.channel) === feed) this.#feeds.delete(feed.channel);
    feed.closed = true;
    clearTimeout(feed.fillTimer);
    this.metrics.localChannels.set(this.#feeds.size);
    const unsubscribe = feed.unsubscribe;
    feed.unsubscribe = undefined;
    unsubscribe?.().catch((err: unknown) => this.log.debug({ err }, 'bus unsubscribe failed'));
  }
}
