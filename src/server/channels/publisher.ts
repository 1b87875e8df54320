// Publishing with group commit: publishes gather while statements are in flight and go together in the
// next one, so many channels cost one round trip and one commit. Order is kept per source (a connection, a
// batch request) and channel: a publish waits while an earlier one of its source on its channel is in
// flight. Publishes of different sources may share a channel in two statements at once: PostgreSQL's row
// lock on the channel numbers them in commit order, and the second statement is already there when the
// first commits. Committed messages are delivered locally (the feed puts them in offset order) and sent to
// the other replicas as one bus payload per channel. One message never decides the fate of the others.
import { randomUUID } from 'node:crypto';
import type { Bus } from '../drivers/bus/index.js';
import { isOutage } from '../drivers/outage.js';
import { DomainError } from '../errors/domain-error.js';
import type { Logger } from '../logger.js';
import type { ChannelMetrics } from './channel-metrics.js';
import type { FanOut } from './fanout.js';
import { type Delivery, messageFrame } from './frames.js';
import type { PublishInput } from './inputs.js';
import type { Appended, ChannelItem, ChannelStore } from './store.js';

const MAX_BATCH = 500;
/** Statements in flight at once. More split the batches into more statements, which cost PostgreSQL more
 * than they save in waiting. */
const MAX_IN_FLIGHT = 2;

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
  store: Pick<ChannelStore, 'appendMany'>;
  fanout: Pick<FanOut, 'local' | 'topic'>;
  bus: Pick<Bus, 'publish'>;
  metrics: Pick<ChannelMetrics, 'published'> & Partial<Pick<ChannelMetrics, 'publishDuration'>>;
  log: Logger;
}

interface Pending {
  item: ChannelItem;
  /** Source and channel: publishes with the same key keep their order. */
  key: string;
  resolve: (p: Published) => void;
  reject: (err: unknown) => void;
}

/** Publishes of one id within a batch: the first is written, the others are its retries. */
type Group = [Pending, ...Pending[]];

/**
 * PostgreSQL refused the statement because of what one of the items holds (SQLSTATE class 22, data
 * exception, or 54, program limit such as JSON nesting), not because it is unreachable: worth splitting.
 */
function isItemError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|54)[0-9A-Z]{3}$/.test(code);
}

export class Publisher {
  /** Publishes not yet in a statement, in arrival order. */
  #pending: Pending[] = [];
  /** Keys (source and channel) in the statements in flight: their newer publishes wait for them. */
  readonly #busy = new Set<string>();
  #inFlight = 0;
  #scheduled = false;
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

  /**
   * Resolves once the message is committed in PostgreSQL. Only validated input joins a batch. Publishes of
   * one `source` (an id unique to a connection or request) to one channel take offsets in call order;
   * without a source, every publish to the channel does.
   */
  publish(input: PublishInput, source = ''): Promise<Published> {
    return new Promise((resolve, reject) => {
      const { channel, data, id } = input;
      const item = { channel, id: id ?? randomUUID(), data, clientId: id !== undefined };
      const timer = this.#d.metrics.publishDuration?.startTimer();
      const done = (p: Published) => {
        timer?.();
        resolve(p);
      };
      this.#pending.push({ item, key: `${source}\u0000${channel}`, resolve: done, reject });
      if (!this.#scheduled && this.#inFlight < MAX_IN_FLIGHT) {
        this.#scheduled = true;
        // Let the rest of this tick's publishes join the statement.
        setImmediate(() => {
          this.#scheduled = false;
          this.#dispatch();
        });
      }
    });
  }

  /** Starts statements while slots are free, each with the oldest publishes whose keys are not in flight. */
  #dispatch(): void {
    while (this.#inFlight < MAX_IN_FLIGHT && this.#pending.length > 0) {
      const batch: Pending[] = [];
      const rest: Pending[] = [];
      for (const p of this.#pending) {
        // Once the batch is full every later publish waits, so a key's waiting ones stay behind its taken ones.
        if (batch.length < MAX_BATCH && !this.#busy.has(p.key)) batch.push(p);
        else rest.push(p);
      }
      if (batch.length === 0) return;
      this.#pending = rest;
      const keys = new Set(batch.map((p) => p.key));
      for (const k of keys) this.#busy.add(k);
      this.#inFlight++;
      void this.#commit(groupById(batch))
        .catch((err: unknown) => {
          // A bug past this point must not wedge the channels; settled promises ignore this.
          this.#d.log.error({ err }, 'publish batch failed unexpectedly');
          for (const p of batch) p.reject(err);
        })
        .finally(() => {
          for (const k of keys) this.#busy.delete(k);
          this.#inFlight--;
          this.#dispatch();
        });
    }
  }

  /** Appends the groups in order. A statement refused for an item's content is split until that item is alone. */
  async #commit(groups: Group[]): Promise<void> {
    let results: Appended[];
    try {
      results = await this.#d.store.appendMany(groups.map((g) => g[0].item));
    } catch (err) {
      if (groups.length > 1 && isItemError(err)) {
        const half = Math.ceil(groups.length / 2);
        await this.#commit(groups.slice(0, half));
        await this.#commit(groups.slice(half));
        return;
      }
      const failure = isItemError(err) ? refused(err) : err;
      if (failure !== err) this.#d.log.warn({ err }, 'the database refused one message');
      for (const g of groups) for (const p of g) p.reject(failure);
      return;
    }
    // Settled before delivery: acks are sent from later microtasks, so they still follow the local frames.
    const perChannel = new Map<string, Appended[]>();
    results.forEach((r, k) => {
      const [lead, ...retries] = groups[k] as Group;
      const channel = lead.item.channel;
      const published = { channel, offset: r.offset, id: r.id, ts: r.ts, replayed: r.replayed };
      lead.resolve(published);
      for (const p of retries) p.resolve({ ...published, replayed: true });
      const list = perChannel.get(channel);
      if (list) list.push(r);
      else perChannel.set(channel, [r]);
    });
    for (const [channel, list] of perChannel) {
      try {
        this.#deliver(channel, list);
      } catch (err) {
        // Committed is what counts: subscribers catch up from PostgreSQL (gap fill, resync, sweep).
        this.#d.log.error({ err, channel }, 'delivering committed messages failed');
      }
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

let requests = 0;
/** A source id unique to one request in this process, for publishes that need no order with any other. */
export function requestSource(): string {
  requests++;
  return `r${requests}`;
}

function groupById(batch: Pending[]): Group[] {
  const groups = new Map<string, Group>();
  for (const p of batch) {
    const key = `${p.item.channel}\u0000${p.item.id}`;
    const group = groups.get(key);
    if (group) group.push(p);
    else groups.set(key, [p]);
  }
  return [...groups.values()];
}

/** The database refused this one message although it passed validation: the client's input, not an outage. */
function refused(cause: unknown): DomainError {
  return new DomainError('invalid_data', 'the database refused this message (its data or id)', { cause });
}
