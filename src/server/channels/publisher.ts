// Publishing: one queue per channel on this replica. While a statement is in flight, further publishes to
// the channel gather and go in the next statement together, so a busy channel costs one round trip per
// batch, and one connection's publishes keep their order. Committed messages are delivered locally and sent
// to the other replicas as one bus payload. One message never decides the fate of the others in its batch.
import { randomUUID } from 'node:crypto';
import type { Bus } from '../drivers/bus/index.js';
import { isOutage } from '../drivers/outage.js';
import { DomainError } from '../errors/domain-error.js';
import type { Logger } from '../logger.js';
import type { ChannelMetrics } from './channel-metrics.js';
import type { FanOut } from './fanout.js';
import { type Delivery, messageFrame } from './frames.js';
import type { PublishInput } from './inputs.js';
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

/** What the publisher uses of its collaborators (ChannelStore, FanOut, the bus, the metrics). */
export interface PublisherDeps {
  store: Pick<ChannelStore, 'append'>;
  fanout: Pick<FanOut, 'local' | 'topic'>;
  bus: Pick<Bus, 'publish'>;
  metrics: Pick<ChannelMetrics, 'published'>;
  log: Logger;
}

interface Pending {
  item: AppendItem;
  resolve: (p: Published) => void;
  reject: (err: unknown) => void;
}

/** Publishes of one id within a batch: the first is written, the others are its retries. */
type Group = [Pending, ...Pending[]];

interface Queue {
  items: Pending[];
  running: boolean;
}

/**
 * PostgreSQL refused the statement because of what one of the items holds (SQLSTATE class 22, data
 * exception, or 54, program limit such as JSON nesting), not because it is unreachable: worth splitting.
 */
function isItemError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|54)[0-9A-Z]{3}$/.test(code);
}

export class Publisher {
  readonly #queues = new Map<string, Queue>();
  readonly #d: PublisherDeps;

  constructor(
    store: PublisherDeps['store'],
    fanout: PublisherDeps['fanout'],
    bus: PublisherDeps['bus'],
    metrics: PublisherDeps['metrics'],
    log: Logger,
  ) {
    this.#d = { store, fanout, bus, metrics, log };
  }

  /** Resolves once the message is committed in PostgreSQL. Only validated input joins a batch. */
  publish(input: PublishInput): Promise<Published> {
    return new Promise((resolve, reject) => {
      const { channel, data, id } = input;
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
      try {
        await this.#commit(channel, groupById(batch));
      } catch (err) {
        // A bug past this point must not wedge the channel's queue; settled promises ignore this.
        this.#d.log.error({ err, channel }, 'publish batch failed unexpectedly');
        for (const p of batch) p.reject(err);
      }
    }
    queue.running = false;
    this.#queues.delete(channel);
  }

  /** Appends the groups in order. A statement refused for an item's content is split until that item is alone. */
  async #commit(channel: string, groups: Group[]): Promise<void> {
    let results: Appended[];
    try {
      results = await this.#d.store.append(
        channel,
        groups.map((g) => g[0].item),
      );
    } catch (err) {
      if (groups.length > 1 && isItemError(err)) {
        const half = Math.ceil(groups.length / 2);
        await this.#commit(channel, groups.slice(0, half));
        await this.#commit(channel, groups.slice(half));
        return;
      }
      const failure = isItemError(err) ? refused(err) : err;
      if (failure !== err) this.#d.log.warn({ err, channel }, 'the database refused one message');
      for (const g of groups) for (const p of g) p.reject(failure);
      return;
    }
    // Settled before delivery: acks are sent from later microtasks, so they still follow the local frames.
    results.forEach((r, k) => {
      const [lead, ...retries] = groups[k] as Group;
      const published = { channel, offset: r.offset, id: r.id, ts: r.ts, replayed: r.replayed };
      lead.resolve(published);
      for (const p of retries) p.resolve({ ...published, replayed: true });
    });
    try {
      this.#deliver(channel, results);
    } catch (err) {
      // Committed is what counts: subscribers catch up from PostgreSQL (gap fill, resync, sweep).
      this.#d.log.error({ err, channel }, 'delivering committed messages failed');
    }
  }

  #deliver(channel: string, results: Appended[]): void {
    const fresh: Delivery[] = [];
    for (const r of results)
      if (!r.replayed) fresh.push({ offset: r.offset, frame: messageFrame(channel, r) });
    if (fresh.length === 0) return;
    this.#d.metrics.published.inc(fresh.length);
    this.#d.fanout.local(channel, fresh);
    const payload = fresh.map((d) => `${d.offset} ${d.frame}`).join('\n');
    // If the bus is down, other replicas catch up from PostgreSQL (resync, sweep). An outage is logged once
    // by the driver (drivers/health.ts), not per message.
    this.#d.bus.publish(this.#d.fanout.topic(channel), payload).catch((err: unknown) => {
      if (isOutage(err)) return;
      this.#d.log.warn({ err, channel }, 'bus publish failed; other replicas will fill from PostgreSQL');
    });
  }
}

function groupById(batch: Pending[]): Group[] {
  const groups = new Map<string, Group>();
  for (const p of batch) {
    const group = groups.get(p.item.id);
    if (group) group.push(p);
    else groups.set(p.item.id, [p]);
  }
  return [...groups.values()];
}

/** The database refused this one message although it passed validation: the client's input, not an outage. */
function refused(cause: unknown): DomainError {
  return new DomainError('invalid_data', 'the database refused this message (its data or id)', { cause });
}
