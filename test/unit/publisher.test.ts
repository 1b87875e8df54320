// Publisher batching with the real Publisher, the in-process bus and a store that behaves like the append
// statement (atomic per call, ids unique per channel, offsets in input order, refusing a whole statement when
// one item's content is bad): one bad item never fails the others, outages fail the batch without splitting,
// retries in a batch are replays, and a delivery failure after commit does not turn into a publish failure.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as roundTrip } from 'node:timers/promises';
import { Counter } from 'prom-client';
import type { Delivery } from '../../src/server/channels/frames.js';
import { validatePublish } from '../../src/server/channels/inputs.js';
import { type Published, Publisher } from '../../src/server/channels/publisher.js';
import type { Appended, AppendItem, ChannelItem } from '../../src/server/channels/store.js';
import { createMemoryBus } from '../../src/server/drivers/bus/memory.js';
import { DomainError } from '../../src/server/errors/domain-error.js';
import { silentLogger } from '../../src/server/logger.js';

/** Messages as the append statement keeps them (these tests publish to one channel). */
class StatementStore {
  readonly stored = new Map<string, Appended>();
  readonly statements: number[] = [];
  /** Errors the next statements fail with before touching anything (an outage). */
  readonly outages: unknown[] = [];

  constructor(private readonly refuses: (item: AppendItem) => boolean = () => false) {}

  async appendMany(items: ChannelItem[]): Promise<Appended[]> {
    this.statements.push(items.length);
    await roundTrip();
    const outage = this.outages.shift();
    if (outage) throw outage;
    if (new Set(items.map((i) => i.id)).size !== items.length) throw new Error('ids must be unique per call');
    // Like PostgreSQL refusing one row's json: the whole statement fails and nothing is written.
    if (items.some(this.refuses)) {
      throw Object.assign(new Error('invalid input syntax for type json'), { code: '22P02' });
    }
    const ts = Date.now();
    return items.map((item) => {
      const existing = this.stored.get(item.id);
      if (existing) return { ...existing, replayed: true };
      const m = { offset: this.stored.size + 1, id: item.id, data: item.data, ts, replayed: false };
      this.stored.set(item.id, m);
      return m;
    });
  }
}

function setup(store: StatementStore, local: (channel: string, d: Delivery[]) => void = () => {}) {
  const delivered: Delivery[] = [];
  const fanout = {
    local: (channel: string, d: Delivery[]) => {
      delivered.push(...d);
      local(channel, d);
    },
    topic: (channel: string) => `ch:${channel}`,
  };
  const published = new Counter({ name: 'published_total', help: 'test', registers: [] });
  const publisher = new Publisher(store, fanout, createMemoryBus(), { published }, silentLogger());
  const publish = (data: unknown, id?: string) =>
    publisher.publish(validatePublish({ channel: 'room', data, id }, 1 << 20));
  const publishFrom = (source: string, data: unknown) =>
    publisher.publish(validatePublish({ channel: 'room', data, id: undefined }, 1 << 20), source);
  return { publish, publishFrom, delivered, published };
}

describe('Publisher', () => {
  it('one item the database refuses fails alone; the 199 others commit once, in order', async () => {
    const store = new StatementStore((item) => item.data === '"poison"');
    const { publish, delivered } = setup(store);
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, n) =>
        n === 137 ? publish('poison', 'bad') : publish({ n }, `id-${n}`),
      ),
    );
    const bad = results[137];
    assert.equal(bad?.status, 'rejected');
    const reason = (bad as PromiseRejectedResult).reason;
    assert.ok(reason instanceof DomainError);
    assert.deepEqual([reason.code, reason.status], ['invalid_data', 400]);
    const good = results.filter((_r, n) => n !== 137) as PromiseFulfilledResult<Published>[];
    assert.ok(good.every((r) => r.status === 'fulfilled'));
    assert.deepEqual(
      good.map((r) => r.value.offset),
      Array.from({ length: 199 }, (_, k) => k + 1),
    );
    assert.ok(good.every((r) => !r.value.replayed));
    assert.equal(store.stored.size, 199);
    assert.equal(store.stored.has('bad'), false);
    assert.deepEqual(
      delivered.map((d) => d.offset),
      Array.from({ length: 199 }, (_, k) => k + 1),
    );
    // Splitting isolates the bad item in a logarithmic number of statements, not one per item.
    assert.ok(store.statements.length <= 2 * Math.ceil(Math.log2(200)) + 1, `${store.statements.length}`);
  });

  it('an outage fails the whole batch without splitting it, and the next batch goes through', async () => {
    const store = new StatementStore();
    const outage = Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
    store.outages.push(outage);
    const { publish } = setup(store);
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, n) => publish(n)));
    assert.ok(results.every((r) => r.status === 'rejected' && r.reason === outage));
    assert.deepEqual(store.statements, [50]);
    assert.equal((await publish('after')).offset, 1);
  });

  it('the same id twice in one batch is written once; the second is a replay of the first', async () => {
    const store = new StatementStore();
    const { publish } = setup(store);
    const [a, b, c] = await Promise.all([publish(1, 'same'), publish(2, 'same'), publish(3)]);
    assert.deepEqual([a.offset, a.replayed], [1, false]);
    assert.deepEqual([b.offset, b.replayed, b.id], [1, true, 'same']);
    assert.equal(c.offset, 2);
    assert.equal(store.stored.size, 2);
  });

  it('a delivery failure after commit still reports the publishes as committed', async () => {
    const store = new StatementStore();
    const { publish, published } = setup(store, () => {
      throw new Error('fan-out bug');
    });
    const results = await Promise.all([publish('a'), publish('b')]);
    assert.deepEqual(
      results.map((r) => r.offset),
      [1, 2],
    );
    assert.equal((await published.get()).values[0]?.value, 2);
    assert.equal((await publish('c')).offset, 3);
  });

  it('keeps each source in order across overlapping statements; different sources share them', async () => {
    const store = new StatementStore();
    const running = new Set<string[]>();
    let overlapped = 0;
    const append = store.appendMany.bind(store);
    store.appendMany = async (items) => {
      const sources = items.map((i) => (JSON.parse(i.data) as string).split(':')[0] as string);
      for (const other of running) {
        overlapped++;
        for (const s of sources) assert.ok(!other.includes(s), `${s} in two statements at once`);
      }
      running.add(sources);
      try {
        // A statement lasts a few turns, as a round trip to PostgreSQL does.
        for (let i = 0; i < 3; i++) await roundTrip();
        return await append(items);
      } finally {
        running.delete(sources);
      }
    };
    const { publishFrom } = setup(store);
    const calls: Promise<Published>[][] = [[], [], []];
    // One source's burst a turn, so its publishes find the other sources' (and its own) statements in flight.
    for (let turn = 0; turn < 60; turn++) {
      const s = turn % 3;
      for (let i = 0; i < 3; i++) calls[s]!.push(publishFrom(`s${s}`, `s${s}:${turn}.${i}`));
      await roundTrip();
    }
    const results = await Promise.all(calls.map((list) => Promise.all(list)));
    for (const offsets of results.map((rs) => rs.map((r) => r.offset))) {
      assert.deepEqual(
        offsets,
        [...offsets].sort((a, b) => a - b),
        'a source keeps its call order',
      );
    }
    assert.deepEqual(
      results
        .flat()
        .map((r) => r.offset)
        .sort((a, b) => a - b),
      Array.from({ length: 180 }, (_, k) => k + 1),
    );
    assert.ok(overlapped > 0, 'statements of different sources overlapped');
  });

  it('keeps submission order across batches larger than one statement', async () => {
    const store = new StatementStore();
    const { publish } = setup(store);
    const results = await Promise.all(Array.from({ length: 1200 }, (_, n) => publish(n)));
    assert.deepEqual(
      results.map((r) => r.offset),
      Array.from({ length: 1200 }, (_, k) => k + 1),
    );
    assert.ok(store.statements.length >= 3);
    assert.ok(store.statements.every((n) => n <= 500));
  });
});
