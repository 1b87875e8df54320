// The fan-out's delivery invariant, with manual time: every committed offset reaches every live subscriber
// once and in order, or the subscriber gets a gap frame naming it, and only when PostgreSQL proved the
// offsets deleted (retention floor) or stayed unreadable past the give-up bound.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FILL } from '../../src/server/channels/gap-fill.js';
import { seeded } from '../helpers/seeded-random.js';
import { type Frame, World } from './fanout-world.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const noGap = () => false;

describe('fan-out ordering and gap fill', () => {
  test('bus reorders are put back in order without reading PostgreSQL', async () => {
    const w = new World();
    const s = await w.subscribe();
    const [d1, d2, d3, d4] = w.db.commit(4);
    await w.deliver([d3!]);
    await w.deliver([d1!]);
    await w.deliver([d4!]);
    await w.timers.advance(FILL.waitMs / 2);
    await w.deliver([d2!]);
    await w.timers.advance(1000);
    assert.deepEqual(s.offsets(), [1, 2, 3, 4]);
    assert.deepEqual(w.db.reads, []);
  });

  test('a fill whose snapshot ends at N-1 while N+1 arrives, then N: both once, in order', async () => {
    const w = new World();
    const s = await w.subscribe();
    w.db.latency = () => ({ snapshotMs: 0, replyMs: 60 });
    const first = w.db.commit(4);
    await w.deliver([first[3]!]); // 1-3 lost on the bus
    await w.timers.advance(FILL.waitMs); // the fill starts: its snapshot holds 1..4
    assert.deepEqual(w.db.reads, [0]);
    const [d5, d6] = w.db.commit(2);
    await w.deliver([d6!]); // N+1 arrives while the read runs
    await w.timers.advance(60); // the read answers with 1..4 only
    assert.deepEqual(s.offsets(), [1, 2, 3, 4]);
    await w.deliver([d5!]);
    await w.timers.advance(1000);
    assert.deepEqual(s.offsets(), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(s.violations(6, noGap), []);
  });

  test('the same race when the bus then drops N: the next read brings it', async () => {
    const w = new World();
    const s = await w.subscribe();
    w.db.latency = () => ({ snapshotMs: 0, replyMs: 60 });
    const first = w.db.commit(4);
    await w.deliver([first[3]!]);
    await w.timers.advance(FILL.waitMs);
    const [, d6] = w.db.commit(2);
    await w.deliver([d6!]);
    await w.timers.advance(1000);
    assert.deepEqual(s.violations(6, noGap), []);
    assert.equal(w.db.reads.length, 2);
  });

  test('offsets below the retention floor are skipped with gap frames; held ones still go out', async () => {
    const w = new World();
    const a = await w.subscribe();
    const b = await w.subscribe();
    const all = w.db.commit(10);
    await w.deliver([all[2]!, all[9]!]); // 3 and 10 arrive; the rest is lost
    w.db.prune(6);
    await w.timers.advance(1000);
    const expected: Frame[] = [
      { type: 'gap', from: 1, to: 2, reason: 'retention' },
      { type: 'message', offset: 3 },
      { type: 'gap', from: 4, to: 6, reason: 'retention' },
      ...range(7, 10).map((offset) => ({ type: 'message', offset })),
    ];
    for (const s of [a, b]) {
      const seen = s.frames.map(({ type, offset, from, to, reason }) =>
        type === 'gap' ? { type, from, to, reason } : { type, offset },
      );
      assert.deepEqual(seen, expected);
    }
    assert.equal(await w.lost('retention'), 5);
  });

  test('everything pruned: the floor above the last offset skips to it, then live delivery goes on', async () => {
    const w = new World();
    const s = await w.subscribe();
    w.db.commit(5);
    w.db.prune(5);
    w.fanout.resync();
    await w.timers.advance(100);
    await w.deliver(w.db.commit(1));
    await w.timers.advance(100);
    assert.deepEqual(
      s.violations(6, (g) => g.reason === 'retention' && g.from === 1 && g.to === 5),
      [],
    );
    assert.deepEqual(s.offsets(), [6]);
  });

  test('duplicates from local commits, bus echoes and fills are delivered once', async () => {
    const w = new World();
    const s = await w.subscribe();
    const [d1, d2, d3] = w.db.commit(3);
    w.fanout.local(w.channel, [d1!, d2!]);
    await w.deliver([d2!, d1!]);
    await w.deliver([d3!, d3!]);
    w.fanout.resync();
    await w.timers.advance(100);
    w.fanout.local(w.channel, [d3!]);
    await w.deliver([d1!, d2!, d3!]);
    await w.timers.advance(100);
    assert.deepEqual(s.offsets(), [1, 2, 3]);
  });

  test('resync and sweep read PostgreSQL although nothing is held', async () => {
    const w = new World();
    const s = await w.subscribe();
    w.db.commit(3);
    w.fanout.resync();
    await w.timers.advance(10);
    assert.deepEqual(s.offsets(), [1, 2, 3]);
    w.db.commit(2);
    await w.fanout.sweep();
    await w.timers.advance(100);
    assert.deepEqual(s.offsets(), range(1, 5));
  });
});

describe('fan-out when PostgreSQL fails', () => {
  test('failed reads retry with bounded backoff and skip nothing once PostgreSQL is back', async () => {
    const w = new World();
    const s = await w.subscribe();
    w.db.down = true;
    const ds = w.db.commit(3);
    await w.deliver([ds[2]!]);
    await w.timers.advance(5120);
    // Attempts at 20 ms, then after 100, 200, 400, 800 and 1600 more: 120, 320, 720, 1520, 3120, 5120 ms.
    assert.equal(w.db.reads.length, 7);
    assert.deepEqual(s.frames, []);
    // The backoff stays at its cap.
    await w.timers.advance(FILL.retryMaxMs - 1);
    assert.equal(w.db.reads.length, 7);
    w.db.down = false;
    await w.timers.advance(1);
    assert.deepEqual(s.offsets(), [1, 2, 3]);
    assert.deepEqual(s.gaps(), []);
  });

  test('a read that never answers times out and is retried', async () => {
    const w = new World();
    const s = await w.subscribe();
    w.db.hang = true;
    const ds = w.db.commit(2);
    await w.deliver([ds[1]!]);
    await w.timers.advance(FILL.waitMs + FILL.timeoutMs);
    assert.deepEqual(w.db.reads, [0]);
    w.db.hang = false;
    await w.timers.advance(FILL.retryMinMs);
    assert.deepEqual(w.db.reads, [0, 0]);
    assert.deepEqual(s.offsets(), [1, 2]);
  });

  test('an outage past the give-up bound: subscribers get a gap frame for the unreadable range', async () => {
    const w = new World();
    const s = await w.subscribe();
    w.db.down = true;
    const ds = w.db.commit(3);
    await w.deliver([ds[2]!]);
    await w.timers.advance(FILL.giveUpMs - 1);
    assert.deepEqual(s.frames, []);
    await w.timers.advance(FILL.retryMaxMs + FILL.waitMs);
    assert.deepEqual(s.frames.slice(0, 2), [
      { type: 'gap', channel: w.channel, from: 1, to: 2, reason: 'unavailable' },
      { type: 'message', channel: w.channel, offset: 3, id: 'm3', data: { n: 3 }, ts: 3 },
    ]);
    await w.deliver(w.db.commit(1));
    w.db.down = false;
    await w.timers.advance(5000);
    assert.deepEqual(s.offsets(), [3, 4]);
    assert.equal(await w.lost('unavailable'), 2);
  });
});

// Seeded, so a failing interleaving can be replayed by its seed.
const random = seeded;

interface Scenario {
  prune: boolean;
  outages: boolean;
}

/** One seeded run: commits from this and other replicas, a lossy reordering bus, slow reads, resyncs. */
async function interleaving(seed: number, { prune, outages }: Scenario): Promise<string[]> {
  const rnd = random(seed);
  const pick = (n: number) => Math.floor(rnd() * n);
  const w = new World();
  w.db.latency = () => ({ snapshotMs: pick(40), replyMs: pick(80) });
  const subs = [await w.subscribe(), await w.subscribe()];
  let downUntil = -1;
  for (let step = 0; step < 150; step++) {
    const roll = rnd();
    if (roll < 0.45) {
      const batch = w.db.commit(1 + pick(3));
      // This replica's own commits are delivered locally before the bus echo.
      if (rnd() < 0.3) w.fanout.local(w.channel, batch);
      const copies = rnd() < 0.15 ? 0 : rnd() < 0.1 ? 2 : 1;
      for (let c = 0; c < copies; c++) w.timers.setTimeout(() => void w.deliver(batch), pick(80));
    } else if (roll < 0.85) {
      await w.timers.advance(pick(50));
    } else if (roll < 0.9) {
      w.fanout.resync();
    } else if (roll < 0.93) {
      await w.fanout.sweep().catch(() => {});
    } else if (roll < 0.96 && prune) {
      w.db.prune(w.db.last - pick(10));
    } else if (outages && downUntil < w.timers.now()) {
      w.db.down = true;
      downUntil = w.timers.now() + pick(FILL.giveUpMs * 2);
      w.timers.setTimeout(() => {
        w.db.down = false;
      }, downUntil - w.timers.now());
    }
    if (step === 75) subs.push(await w.subscribe());
  }
  // Let outages end, the bus settle and the safety sweep catch what the bus dropped at the very end.
  await w.timers.advance(FILL.giveUpMs * 2);
  await w.fanout.sweep();
  await w.timers.advance(FILL.retryMaxMs * 4);
  const justified = (g: Frame) =>
    g.reason === 'retention'
      ? range(g.from ?? 0, g.to ?? 0).every((o) => w.db.pruned.has(o))
      : g.reason === 'unavailable' && outages;
  return subs.flatMap((s, i) => s.violations(w.db.last, justified).map((p) => `subscriber ${i}: ${p}`));
}

describe('fan-out invariant over seeded interleavings', () => {
  const scenarios: [string, Scenario][] = [
    ['lossy reordering bus and slow reads', { prune: false, outages: false }],
    ['with retention deleting as it goes', { prune: true, outages: false }],
    ['with PostgreSQL outages', { prune: true, outages: true }],
  ];
  for (const [name, scenario] of scenarios) {
    test(name, async () => {
      for (let seed = 1; seed <= 60; seed++) {
        const problems = await interleaving(seed, scenario);
        assert.deepEqual(problems, [], `seed ${seed}`);
      }
    });
  }
});
