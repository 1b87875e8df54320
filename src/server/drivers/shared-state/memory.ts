// In-process shared state for a single replica. The clock is injectable so that windows and expiries can
// be tested without waiting; ended windows are swept lazily on increments, so no timer needs stopping.
import type { SetEntry, SharedState } from './shared-state.js';

export interface MemorySharedStateOptions {
  /** Milliseconds since the epoch; Date.now by default. */
  now?: () => number;
}

const SWEEP_EVERY_MS = 10_000;

export function createMemorySharedState(opts: MemorySharedStateOptions = {}): SharedState {
  const now = opts.now ?? Date.now;
  const windows = new Map<string, { count: number; resetAt: number }>();
  const sets = new Map<string, Map<string, { value: string; expires: number }>>();
  const values = new Map<string, { value: string; expires: number }>();
  let nextSweep = now() + SWEEP_EVERY_MS;
  let closed = false;

  const open = () => {
    if (closed) throw new Error('shared state closed');
  };
  const sweepWindows = (t: number) => {
    if (t < nextSweep) return;
    nextSweep = t + SWEEP_EVERY_MS;
    for (const [key, w] of windows) if (w.resetAt <= t) windows.delete(key);
    for (const [key, v] of values) if (v.expires <= t) values.delete(key);
  };
  const live = (set: string): SetEntry[] => {
    const t = now();
    return [...(sets.get(set) ?? [])]
      .filter(([, e]) => e.expires > t)
      .map(([member, e]) => ({ member, value: e.value }));
  };

  return {
    driver: 'memory',
    async increment(key, windowMs) {
      open();
      const t = now();
      sweepWindows(t);
      let w = windows.get(key);
      if (!w || w.resetAt <= t) {
        w = { count: 0, resetAt: t + windowMs };
        windows.set(key, w);
      }
      w.count++;
      return { count: w.count, ttlMs: w.resetAt - t };
    },
    async addMember(set, member, value, ttlMs) {
      open();
      let entries = sets.get(set);
      if (!entries) {
        entries = new Map();
        sets.set(set, entries);
      }
      entries.set(member, { value, expires: now() + ttlMs });
    },
    async removeMember(set, member) {
      open();
      const entries = sets.get(set);
      const had = entries?.delete(member) ?? false;
      if (entries?.size === 0) sets.delete(set);
      return had;
    },
    async liveMembers(set) {
      open();
      return live(set);
    },
    async countLive(set) {
      open();
      return live(set).length;
    },
    async refreshMembers(members, ttlMs) {
      open();
      const expires = now() + ttlMs;
      for (const [set, names] of members) {
        const entries = sets.get(set);
        for (const member of names) {
          const e = entries?.get(member);
          if (e) e.expires = expires;
        }
      }
    },
    async takeExpired(set) {
      open();
      const entries = sets.get(set);
      if (!entries) return [];
      const t = now();
      const taken: SetEntry[] = [];
      for (const [member, e] of entries) {
        if (e.expires > t) continue;
        entries.delete(member);
        taken.push({ member, value: e.value });
      }
      if (entries.size === 0) sets.delete(set);
      return taken;
    },
    async setValue(key, value, ttlMs) {
      open();
      const t = now();
      sweepWindows(t);
      values.set(key, { value, expires: t + ttlMs });
    },
    async getValues(keys) {
      open();
      const t = now();
      return keys.map((k) => {
        const v = values.get(k);
        return v && v.expires > t ? v.value : null;
      });
    },
    async ping() {
      open();
    },
    async close() {
      closed = true;
      windows.clear();
      sets.clear();
      values.clear();
    },
  };
}
