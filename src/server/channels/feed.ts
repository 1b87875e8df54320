// One channel's ordered delivery on this replica: the last offset delivered, arrivals held until the offsets
// below them come, and the subscribers frames go to. Offsets are passed over only through skipTo, which
// sends every subscriber a `gap` frame naming the range, so no hole is ever silent.
import type { Logger } from '../logger.js';
import type { ChannelMetrics } from './channel-metrics.js';
import { type GapReason, gapFrame } from './frames.js';
import { type Framed, frameText, type Outbox, type Peer } from './outbox.js';

export interface Subscription {
  readonly peer: Peer;
  readonly channel: string;
  /** Receives join/leave frames. */
  readonly presence: boolean;
  /** While the subscriber replays history, live frames wait here (null once live). */
  queue: Framed[] | null;
}

export class Feed {
  /** The last offset sent to (or skipped, with a gap frame, for) every subscriber. */
  delivered = 0;
  /** False until the starting offset is known; arrivals are held meanwhile. */
  initialized = false;
  closed = false;
  readonly subs = new Set<Subscription>();
  readonly #held = new Map<number, string>();

  constructor(
    readonly channel: string,
    private readonly outbox: Pick<Outbox, 'write'>,
    private readonly metrics: ChannelMetrics,
    private readonly log: Logger,
  ) {}

  /** True while arrivals wait for lower offsets. */
  get holding(): boolean {
    return this.#held.size > 0;
  }

  get heldCount(): number {
    return this.#held.size;
  }

  lowestHeld(): number | undefined {
    let low: number | undefined;
    for (const offset of this.#held.keys()) if (low === undefined || offset < low) low = offset;
    return low;
  }

  start(after: number): void {
    this.delivered = after;
    this.initialized = true;
    // Arrivals held before the start may be old; once started, only offsets above delivered are held.
    for (const offset of this.#held.keys()) if (offset <= after) this.#held.delete(offset);
    this.#drain();
  }

  /** Takes a message from the bus, a local commit or PostgreSQL; duplicates and old offsets are dropped. */
  accept(offset: number, frame: string): void {
    if (!this.initialized) {
      this.#held.set(offset, frame);
      return;
    }
    if (offset <= this.delivered) return;
    if (offset !== this.delivered + 1) {
      this.#held.set(offset, frame);
      return;
    }
    this.#emit(frame);
    this.delivered = offset;
    this.#drain();
  }

  /** Moves past every offset up to `to`: held ones are delivered, each missing run is announced as lost. */
  skipTo(to: number, reason: GapReason): void {
    if (!this.initialized || to <= this.delivered) return;
    const held = [...this.#held.keys()].filter((o) => o > this.delivered && o <= to).sort((a, b) => a - b);
    for (const offset of [...held, to + 1]) {
      if (offset > this.delivered + 1) this.#lose(this.delivered + 1, offset - 1, reason);
      if (offset > to) break;
      this.#emit(this.#held.get(offset) as string);
      this.#held.delete(offset);
      this.delivered = offset;
    }
    this.#drain();
  }

  presence(frame: string): void {
    let framed: Framed | undefined;
    for (const sub of this.subs) {
      if (!sub.presence) continue;
      framed ??= frameText(frame);
      if (sub.queue) sub.queue.push(framed);
      else this.outbox.write(sub.peer, framed);
    }
  }

  #drain(): void {
    for (;;) {
      const next = this.#held.get(this.delivered + 1);
      if (next === undefined) break;
      this.#held.delete(this.delivered + 1);
      this.#emit(next);
      this.delivered++;
    }
  }

  #lose(from: number, to: number, reason: GapReason): void {
    this.log.warn(
      { channel: this.channel, from, to, reason, subscribers: this.subs.size },
      'offsets cannot be delivered; subscribers are sent a gap frame',
    );
    this.metrics.lostOffsets.inc({ reason }, to - from + 1);
    this.#emit(gapFrame(this.channel, from, to, reason));
    this.delivered = to;
  }

  #emit(frame: string): void {
    if (this.subs.size === 0) return;
    const framed = frameText(frame);
    let written = 0;
    for (const sub of this.subs) {
      if (sub.queue) sub.queue.push(framed);
      else if (this.outbox.write(sub.peer, framed)) written++;
    }
    this.metrics.deliveries.inc(written);
  }
}
