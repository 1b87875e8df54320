// The SharedState interface docs as a test suite, run against every implementation: fixed-window counters
// and their expiry, expiring sets (add, replace, remove, refresh, live views) and exactly-once expiry.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SetEntry, SharedState } from '../../src/server/drivers/shared-state/index.js';
import { uid } from '../helpers/services.js';

export interface SharedStateHarness {
  state: SharedState;
  /** Lets ms pass for the state: a real wait, or an injected clock moved forward. */
  elapse: (ms: number) => Promise<void>;
  /** Another instance on the same state, as another replica would have, when the state is shared. */
  sibling?: () => Promise<SharedState>;
  cleanup?: () => Promise<void>;
}

const byMember = (entries: SetEntry[]) => [...entries].sort((a, b) => a.member.localeCompare(b.member));
// Real clocks may round a millisecond either way between Node timers and Redis. TTLs below leave a busy
// machine hundreds of milliseconds between steps, so only the order of events matters, never speed.
const SLACK_MS = 5;

export function sharedStateContract(name: string, factory: () => Promise<SharedStateHarness>): void {
  describe(`shared state contract: ${name}`, () => {
    let h: SharedStateHarness;
    let state: SharedState;
    const opened: SharedState[] = [];
    const key = () => `contract:${uid()}`;

    before(async () => {
      h = await factory();
      state = h.state;
    });
    after(async () => {
      for (const s of opened) await s.close();
      await h?.state.close();
      await h?.cleanup?.();
    });

    it('counts increments within a window, with the time left in it', async () => {
      const k = key();
      const first = await state.increment(k, 10_000);
      assert.equal(first.count, 1);
      assert.ok(first.ttlMs > 0 && first.ttlMs <= 10_000, `ttl ${first.ttlMs}`);
      const second = await state.increment(k, 10_000);
      assert.equal(second.count, 2);
      assert.ok(second.ttlMs <= first.ttlMs, 'a later increment does not extend the window');
      assert.equal((await state.increment(key(), 10_000)).count, 1, 'keys count independently');
    });

    it('keeps a window fixed: increments in it do not move its end', async () => {
      const k = key();
      const first = await state.increment(k, 5000);
      await h.elapse(500);
      const later = await state.increment(k, 5000);
      assert.equal(later.count, 2);
      assert.ok(later.ttlMs <= first.ttlMs - 500 + SLACK_MS, `ttl ${first.ttlMs} then ${later.ttlMs}`);
    });

    it('starts a new window at 1 once the window has passed', async () => {
      const k = key();
      for (let i = 0; i < 3; i++) await state.increment(k, 300);
      await h.elapse(350);
      const fresh = await state.increment(k, 300);
      assert.equal(fresh.count, 1);
      assert.ok(fresh.ttlMs > 0 && fresh.ttlMs <= 300, `ttl ${fresh.ttlMs}`);
    });

    it('lists and counts live members with their values; adding again replaces the value', async () => {
      const set = key();
      await state.addMember(set, 'a', 'value-a', 10_000);
      await state.addMember(set, 'b', 'value-b', 10_000);
      await state.addMember(set, 'a', 'value-a2', 10_000);
      assert.deepEqual(byMember(await state.liveMembers(set)), [
        { member: 'a', value: 'value-a2' },
        { member: 'b', value: 'value-b' },
      ]);
      assert.equal(await state.countLive(set), 2);
      assert.deepEqual(await state.liveMembers(key()), [], 'sets are independent');
      assert.equal(await state.countLive(key()), 0);
    });

    it('removes a member once: true while present, false after', async () => {
      const set = key();
      await state.addMember(set, 'a', 'x', 10_000);
      assert.equal(await state.removeMember(set, 'a'), true);
      assert.equal(await state.removeMember(set, 'a'), false);
      assert.equal(await state.removeMember(key(), 'a'), false);
      assert.deepEqual(await state.liveMembers(set), []);
    });

    it('stops listing members past their expiry, and hands them out once to takeExpired', async () => {
      const set = key();
      await state.addMember(set, 'stays', 's', 10_000);
      assert.deepEqual(await state.takeExpired(set), [], 'nothing expired yet');
      await state.addMember(set, 'gone', 'g', 200);
      await h.elapse(250);
      assert.deepEqual(await state.liveMembers(set), [{ member: 'stays', value: 's' }]);
      assert.equal(await state.countLive(set), 1);
      assert.deepEqual(await state.takeExpired(set), [{ member: 'gone', value: 'g' }]);
      assert.deepEqual(await state.takeExpired(set), []);
      assert.equal(await state.removeMember(set, 'gone'), false, 'a taken member is gone');
    });

    it('removes an expired member not yet taken, answering true', async () => {
      const set = key();
      await state.addMember(set, 'late', 'l', 1000);
      await h.elapse(1050);
      assert.equal(await state.removeMember(set, 'late'), true);
      assert.deepEqual(await state.takeExpired(set), []);
    });

    it('keeps longer-lived members when a short-lived one joins their set', async () => {
      const set = key();
      await state.addMember(set, 'long', 'l', 10_000);
      await state.addMember(set, 'short', 's', 100);
      await h.elapse(400);
      assert.deepEqual(await state.liveMembers(set), [{ member: 'long', value: 'l' }]);
    });

    it('refreshes present members only, never re-adding removed or taken ones', async () => {
      const [set, other] = [key(), key()];
      await state.addMember(set, 'refreshed', 'r', 2000);
      await state.addMember(set, 'idle', 'i', 2000);
      await state.addMember(set, 'removed', 'x', 2000);
      await state.addMember(other, 'taken', 't', 500);
      await state.removeMember(set, 'removed');
      await h.elapse(1000);
      assert.deepEqual(await state.takeExpired(other), [{ member: 'taken', value: 't' }]);
      await state.refreshMembers(
        new Map([
          [set, ['refreshed', 'removed']],
          [other, ['taken']],
          [key(), []],
        ]),
        2000,
      );
      await h.elapse(1200);
      assert.deepEqual(await state.liveMembers(set), [{ member: 'refreshed', value: 'r' }]);
      assert.deepEqual(await state.liveMembers(other), []);
      assert.deepEqual(await state.takeExpired(set), [{ member: 'idle', value: 'i' }]);
      assert.deepEqual(await state.takeExpired(other), []);
    });

    it('hands each expired member to exactly one of several concurrent callers', async () => {
      const set = key();
      const members = Array.from({ length: 20 }, (_, i) => `m${String(i).padStart(2, '0')}`);
      for (const m of members) await state.addMember(set, m, `v-${m}`, 500);
      const peers = [state, state];
      if (h.sibling) {
        const sibling = await h.sibling();
        opened.push(sibling);
        peers.push(sibling, sibling);
      }
      await h.elapse(550);
      const taken = (await Promise.all(peers.map((p) => p.takeExpired(set)))).flat();
      assert.deepEqual(
        byMember(taken),
        members.map((m) => ({ member: m, value: `v-${m}` })),
      );
    });

    it('keeps a value until its TTL passes; setting it again replaces value and TTL', async () => {
      const [a, b, missing] = [key(), key(), key()];
      await state.setValue(a, 'first', 300);
      await state.setValue(b, 'kept', 10_000);
      assert.deepEqual(await state.getValues([a, missing, b]), ['first', null, 'kept']);
      await state.setValue(a, 'second', 10_000);
      await h.elapse(350);
      assert.deepEqual(await state.getValues([a, b]), ['second', 'kept'], 'the new TTL applies');
      await state.setValue(a, 'short', 200);
      await h.elapse(250);
      assert.deepEqual(await state.getValues([a, b]), [null, 'kept']);
      assert.deepEqual(await state.getValues([]), []);
      if (h.sibling) {
        const sibling = await h.sibling();
        opened.push(sibling);
        assert.deepEqual(await sibling.getValues([b]), ['kept'], 'values are shared with other replicas');
      }
    });

    it('answers ping while open, and rejects every operation after close', async () => {
      await state.ping();
      const other = await factory();
      try {
        await other.state.ping();
        await other.state.close();
        const set = key();
        await assert.rejects(other.state.ping());
        await assert.rejects(other.state.increment(set, 1000));
        await assert.rejects(other.state.addMember(set, 'a', 'x', 1000));
        await assert.rejects(other.state.liveMembers(set));
        await assert.rejects(other.state.takeExpired(set));
        await assert.rejects(other.state.setValue(set, 'x', 1000));
        await assert.rejects(other.state.getValues([set]));
      } finally {
        await other.cleanup?.();
      }
    });
  });
}
