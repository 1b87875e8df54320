// Filling a feed's holes from PostgreSQL. A hole first waits briefly for the bus; then pages are read, each
// with the channel's retention floor from the same snapshot. Offsets are passed over only below that floor:
// arrivals seen while a read ran may belong to commits newer than its snapshot, so they prove nothing.
// Failed or hung reads retry with bounded backoff; if PostgreSQL stays unreadable, subscribers are told.
import { failureLevel } from '../drivers/outage.js';
import type { Logger } from '../logger.js';
import type { TimerHandle, Timers } from '../util/timers.js';
import type { ChannelMetrics } from './channel-metrics.js';
import type { Feed } from './feed.js';
import { messageFrame } from './frames.js';
import type { ChannelStore, FillPage } from './store.js';

export type FillStore = Pick<ChannelStore, 'fillPage'>;

export type FillReason = 'gap' | 'resync' | 'sweep';

/** Timing and sizes of gap fills. */
export const FILL = {
  /** How long a hole waits for the bus to bring the missing offset before PostgreSQL is asked. */
  waitMs: 20,
  page: 500,
  /** Pages per fill; a longer backlog continues in the next fill at once. */
  maxPages: 20,
  /** A read taking longer counts as failed (its late answer is ignored). */
  timeoutMs: 10_000,
  retryMinMs: 100,
  retryMaxMs: 2_000,
  /** Once reads have failed for this long, held arrivals go out and the hole below them is announced. */
  giveUpMs: 15_000,
  /** ... or as soon as this many arrivals are held, so an outage cannot grow memory without bound. */
  maxHeld: 10_000,
} as const;

export class GapFill {
  #timer: TimerHandle | undefined;
  #running = false;
  /** A resync or sweep asked for a read although no hole is known. */
  #wanted = false;
  #failures = 0;
  #failingSince = 0;

  constructor(
    private readonly feed: Feed,
    private readonly store: FillStore,
    private readonly timers: Timers,
    private readonly metrics: ChannelMetrics,
    private readonly log: Logger,
  ) {}

  /** Asks for a read after delayMs (after the backoff while reads fail); one read at a time per feed. */
  request(reason: FillReason, delayMs: number = FILL.waitMs): void {
    if (this.feed.closed) return;
    if (reason !== 'gap') this.#wanted = true;
    if (this.#running || this.#timer !== undefined) return;
    const backoff = Math.min(FILL.retryMaxMs, FILL.retryMinMs * 2 ** (this.#failures - 1));
    this.#timer = this.timers.setTimeout(
      () => {
        this.#timer = undefined;
        void this.#run(reason);
      },
      this.#failures > 0 ? backoff : delayMs,
    );
  }

  cancel(): void {
    if (this.#timer !== undefined) this.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #run(reason: FillReason): Promise<void> {
    const feed = this.feed;
    const wanted = this.#wanted;
    if (feed.closed || this.#running || !feed.initialized || (!feed.holding && !wanted)) return;
    this.#running = true;
    this.#wanted = false;
    this.metrics.gapFills.inc({ reason });
    let failure: unknown;
    let more = false;
    try {
      for (let page = 0; page < FILL.maxPages && !feed.closed; page++) {
        const result = await this.#bounded(this.store.fillPage(feed.channel, feed.delivered, FILL.page));
        if (feed.closed) break;
        this.#apply(result);
        more = result.messages.length === FILL.page;
        if (!more) break;
      }
    } catch (err) {
      failure = err;
    } finally {
      this.#running = false;
    }
    if (feed.closed) return;
    if (failure !== undefined) {
      this.#failed(failure, wanted, reason);
      return;
    }
    this.#failures = 0;
    if (more) {
      this.#wanted = true;
      this.request(reason, 0);
    } else if (feed.holding || this.#wanted) {
      // What is still held lies above the snapshot just read: read again after giving the bus a moment.
      this.request('gap');
    }
  }

  #apply({ messages, floor }: FillPage): void {
    const feed = this.feed;
    // Everything below the floor was committed and then deleted: the only ground for passing offsets over.
    if (floor > feed.delivered + 1) feed.skipTo(floor - 1, 'retention');
    for (const m of messages) feed.accept(m.offset, messageFrame(feed.channel, m));
  }

  #failed(err: unknown, wanted: boolean, reason: FillReason): void {
    const feed = this.feed;
    const now = this.timers.now();
    if (this.#failures++ === 0) this.#failingSince = now;
    this.#wanted ||= wanted;
    this.log[failureLevel(err)](
      { err, channel: feed.channel, failures: this.#failures },
      'filling a channel gap from PostgreSQL failed; retrying',
    );
    const lowest = feed.lowestHeld();
    const tooLong = now - this.#failingSince >= FILL.giveUpMs || feed.heldCount >= FILL.maxHeld;
    // Offsets below a held arrival were committed but cannot be read: deliver what is here and say so.
    if (lowest !== undefined && tooLong) feed.skipTo(lowest - 1, 'unavailable');
    this.request(reason);
  }

  #bounded<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = this.timers.setTimeout(
        () => reject(new Error(`reading from PostgreSQL took over ${FILL.timeoutMs}ms`)),
        FILL.timeoutMs,
      );
      work.then(
        (value) => {
          this.timers.clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          this.timers.clearTimeout(timer);
          reject(err);
        },
      );
    });
  }
}
