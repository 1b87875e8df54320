// A seeded pseudo-random source (mulberry32), so every fuzz case and every backoff jitter of a run can be
// replayed from the seed printed in the report.
import type { Random } from '../helpers/seeded-random.js';

export { type Random, seeded } from '../helpers/seeded-random.js';

/** An integer in [min, max]. */
export const int = (r: Random, min: number, max: number) => min + Math.floor(r() * (max - min + 1));

export function pick<T>(r: Random, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)] as T;
}

/** The run's seed: RELIABILITY_SEED when given, so a failure can be replayed, else a fixed default. */
export const SEED = Number(process.env.RELIABILITY_SEED ?? 20260201);
