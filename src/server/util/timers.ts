// Time as the code that waits sees it: the current time and one-shot timers. Passed in where waiting
// decides behaviour (gap fills, retries), so tests can drive time by hand instead of sleeping.

/** An opaque handle from setTimeout, only ever given back to clearTimeout. */
export type TimerHandle = { readonly timer: unknown };

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => ({ timer: setTimeout(fn, ms) }),
  clearTimeout: (handle) => clearTimeout(handle.timer as NodeJS.Timeout),
};
