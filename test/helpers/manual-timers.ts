// Timers driven by the test: time moves only through advance(), timers fire in time order, and the promise
// chains they start settle before the next one fires, so timing-dependent code runs deterministically.
import type { TimerHandle, Timers } from '../../src/server/util/timers.js';

interface Entry {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Lets every queued promise reaction run (they all run before the next macrotask). */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class ManualTimers implements Timers {
  #now = 0;
  #seq = 0;
  #entries: Entry[] = [];

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const entry: Entry = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, cancelled: false };
    this.#entries.push(entry);
    return { timer: entry };
  }

  clearTimeout(handle: TimerHandle): void {
    (handle.timer as Entry).cancelled = true;
  }

  /** Timers still waiting to fire. */
  get pending(): number {
    return this.#entries.filter((e) => !e.cancelled).length;
  }

  /** Moves time forward by ms, firing due timers in order (at most maxFires, against runaway loops). */
  async advance(ms: number, maxFires = 100_000): Promise<void> {
    const end = this.#now + ms;
    await settle();
    for (let fired = 0; ; fired++) {
      if (fired >= maxFires) throw new Error(`more than ${maxFires} timers fired within ${ms}ms`);
      const next = this.#next(end);
      if (!next) break;
      this.#now = next.at;
      next.fn();
      await settle();
    }
    this.#now = end;
  }

  #next(end: number): Entry | undefined {
    this.#entries = this.#entries.filter((e) => !e.cancelled);
    let best: Entry | undefined;
    for (const e of this.#entries) {
      if (e.at <= end && (!best || e.at < best.at || (e.at === best.at && e.seq < best.seq))) best = e;
    }
    if (best) best.cancelled = true;
    return best;
  }
}
