// Publishing: one queue per channel on this replica. While a statement is in flight, further publishes to
// the channel gather and go in the next statement together, so a busy channel costs one round trip per
// batch, and one connection's publishes keep their order. Committed messages are delivered locally and sent
// to the other replicas as one bus payload.
import { randomUUID } from 'node:crypto';
import type { Bus } from '../drivers/bus/index.js';
import type { Logger } from '../logger.js';
import type { ChannelMetrics } from './channel-metrics.js';
import type { FanOut } from './fanout.js';
import { type Delivery, messageFrame } from './frames.js';
import type { Appended, AppendItem, ChannelStore } from './store.js';

const MAX_BATCH = 500;

export interface Published {
  channel: string;
  offset: number;
  id: string;
  ts: number;
  /** True when the id was already stored: the original message is returned and nothing was written. */
  replayed: boolean;
}

interface Pending {
  item: AppendItem;
  resolve: (p: Published) => void;
  reject: (err: unknown) => void;
}

interface Queue {
  items: Pending[];
  running: boolean;
}

export class Publisher {
  readonly #queues = new Map<string, Queue>();

  constructor(
    private readonly store: ChannelStore,
    private readonly fanout: FanOut,
    private readonly bus: Bus,
    private readonly metrics: ChannelMetrics,
    private readonly log: Logger,
  ) {}

  /** Resolves once the message is committed in PostgreSQL. `data` is JSON text. */
  publish(channel: string, data: string, id?: string): Promise<Published> {
    return new Promise((resolve, reject) => {
      const item = { id: id ?? randomUUID(), data, clientId: id !== undefined };
      let queue = this.#queues.get(channel);
      if (!queue) {
        queue = { items: [], running: false };
        this.#queues.set(channel, queue);
      }
      queue.items.push({ item, resolve, reject });
      if (!queue.running) void this.#run(channel, queue);
    });
  }

  async #run(channel: string, queue: Queue): Promise<void> {
    queue.running = true;
    // Let the rest of this tick's publishes join the first batch.
    await new Promise<void>((r) => setImmediate(r));
    while (queue.items.length > 0) {
      const batch = queue.items.splice(0, MAX_BATCH);
      await this.#commit(channel, batch);
    }
    queue.running = false;
    this.#queues.delete(channel);
  }

  async #commit(channel: string, batch: Pending[]): Promise<void> {
    // The same id twice in one batch: the later ones are retries of the first.
    const first = new Map<string, Pending>();
    const followers: [Pending, Pending][] = [];
    for (const p of batch) {
      const lead = first.get(p.item.id);
      if (lead) followers.push([p, lead]);
      else first.set(p.item.id, p);
    }
    const leads = [...first.values()];
    let results: Appended[];
    try {
      results = await this.store.append(
        channel,
        leads.map((p) => p.item),
      );
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    const byId = new Map<string, Published>();
    const fresh: Delivery[] = [];
    results.forEach((r: Appended) => {
      const published = { channel, offset: r.offset, id: r.id, ts: r.ts, replayed: r.replayed };
      byId.set(r.id, published);
      if (!r.replayed) fresh.push({ offset: r.offset, frame: messageFrame(channel, r) });
    });
    if (fresh.length > 0) {
      this.metrics.published.inc(fresh.length);
      this.fanout.local(channel, fresh);
      const payload = fresh.map((d) => `${d.offset} ${d.frame}`).join('\n');
      // Committed is what counts: if the bus is down, other replicas catch up from PostgreSQL (resync, sweep).
      this.bus.publish(this.fanout.topic(channel), payload).catch((err: unknown) => {
        this.log.warn({ err, channel }, 'bus publish failed; other replicas will fill from PostgreSQL');
      });
    }
    for (const p of leads) p.resolve(byId.get(p.item.id) as Published);
    for (const [p, lead] of followers)
      p.resolve({ ...(byId.get(lead.item.id) as Published), replayed: true });
  }
}
