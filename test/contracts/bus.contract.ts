// The Bus interface docs as a test suite, run against every implementation: delivery to every listener of a
// topic, removal, ping and close, resync callbacks, and (where the bus can lose its connection) resync.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bus } from '../../src/server/drivers/bus/index.js';
import { uid, until } from '../helpers/services.js';

export interface BusHarness {
  bus: Bus;
  /** A second bus on the same backend, as another replica would have, when the backend is shared. */
  peer?: () => Promise<Bus>;
  cleanup?: () => Promise<void>;
}

/** A bus on a backend of the test's own, which interrupt() takes down and brings back. */
export interface InterruptibleBus extends BusHarness {
  interrupt: () => Promise<void>;
}

/** Resolves with the next payloads delivered to a listener, bounded in time. */
function collector() {
  const got: string[] = [];
  return {
    got,
    listener: (payload: string) => {
      got.push(payload);
    },
    waitFor: (n: number) => until(`${n} payloads`, () => (got.length >= n ? got : undefined), 5000, 10),
  };
}

/** Settles in-flight deliveries, so a test can assert that something did not arrive. */
async function quiet(bus: Bus, topic: string): Promise<void> {
  const marker = collector();
  const off = await bus.subscribe(topic, marker.listener);
  await bus.publish(topic, 'marker');
  await marker.waitFor(1);
  await off();
}

/** interruptible: for buses that can lose their connection; without it the resync test is skipped. */
export function busContract(
  name: string,
  factory: () => Promise<BusHarness>,
  interruptible?: () => Promise<InterruptibleBus>,
): void {
  describe(`bus contract: ${name}`, () => {
    let h: BusHarness;
    const opened: Bus[] = [];
    const topic = () => `contract:${uid()}`;

    before(async () => {
      h = await factory();
    });
    after(async () => {
      for (const b of opened) await b.close();
      await h?.bus.close();
      await h?.cleanup?.();
    });

    it('delivers a published payload to a subscriber of the topic, and only that topic', async () => {
      const [t, other] = [topic(), topic()];
      const c = collector();
      const off = await h.bus.subscribe(t, c.listener);
      const stray = collector();
      const offStray = await h.bus.subscribe(other, stray.listener);
      await h.bus.publish(t, 'hello');
      assert.deepEqual(await c.waitFor(1), ['hello']);
      await quiet(h.bus, t);
      assert.deepEqual(stray.got, []);
      await off();
      await offStray();
    });

    it('delivers to every listener of a topic, in publish order', async () => {
      const t = topic();
      const [a, b] = [collector(), collector()];
      const offA = await h.bus.subscribe(t, a.listener);
      const offB = await h.bus.subscribe(t, b.listener);
      for (const p of ['1', '2', '3']) await h.bus.publish(t, p);
      assert.deepEqual(await a.waitFor(3), ['1', '2', '3']);
      assert.deepEqual(await b.waitFor(3), ['1', '2', '3']);
      await offA();
      await offB();
    });

    it('stops delivering to a removed listener while the others keep receiving', async () => {
      const t = topic();
      const [kept, removed] = [collector(), collector()];
      const offKept = await h.bus.subscribe(t, kept.listener);
      const offRemoved = await h.bus.subscribe(t, removed.listener);
      await h.bus.publish(t, 'before');
      await removed.waitFor(1);
      await offRemoved();
      await h.bus.publish(t, 'after');
      assert.deepEqual(await kept.waitFor(2), ['before', 'after']);
      await quiet(h.bus, t);
      assert.deepEqual(removed.got, ['before']);
      await offKept();
    });

    it('delivers nothing after the last listener of a topic is removed', async () => {
      const t = topic();
      const c = collector();
      const off = await h.bus.subscribe(t, c.listener);
      await off();
      await h.bus.publish(t, 'unheard');
      await quiet(h.bus, t);
      assert.deepEqual(c.got, []);
    });

    it('delivers across buses sharing the backend (another replica)', async (t) => {
      if (!h.peer) return t.skip('this bus serves one process only');
      const peer = await h.peer();
      opened.push(peer);
      const tp = topic();
      const c = collector();
      const off = await peer.subscribe(tp, c.listener);
      await h.bus.publish(tp, 'across');
      assert.deepEqual(await c.waitFor(1), ['across']);
      await off();
    });

    it('registers resync callbacks and removes them with the returned function', () => {
      const off = h.bus.onResync(() => {});
      assert.equal(typeof off, 'function');
      off();
    });

    it('runs resync callbacks after the connection is restored, and keeps its subscriptions', async (t) => {
      if (!interruptible) return t.skip('this bus has no connection to lose');
      const own = await interruptible();
      try {
        const tp = topic();
        const c = collector();
        const off = await own.bus.subscribe(tp, c.listener);
        let resyncs = 0;
        let removedRuns = 0;
        const offResync = own.bus.onResync(() => resyncs++);
        own.bus.onResync(() => removedRuns++)();
        await own.interrupt();
        await until('a resync callback', () => (resyncs > 0 ? true : undefined));
        assert.equal(removedRuns, 0);
        // Publishing fails fast until the command connection is back too.
        await until('delivery after the outage', async () => {
          await own.bus.publish(tp, 'back').catch(() => {});
          return c.got.includes('back') ? true : undefined;
        });
        offResync();
        await off();
      } finally {
        await own.bus.close();
        await own.cleanup?.();
      }
    });

    it('answers ping while open', async () => {
      await h.bus.ping();
    });

    it('rejects publish and ping after close', async () => {
      const { bus, cleanup } = await factory();
      try {
        await bus.close();
        await assert.rejects(bus.publish(topic(), 'late'));
        await assert.rejects(bus.ping());
      } finally {
        await cleanup?.();
      }
    });
  });
}
