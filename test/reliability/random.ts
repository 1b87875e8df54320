// A seeded pseudo-random source (mulberry32), so every fuzz case and every backoff jitter of a run can be
// replayed from the seed printed in the report.
export type Random = () => number;

export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [min, max]. */
export const int = (r: Random, min: number, max: number) => min + Math.floor(r() * (max - min + 1));

export function pick<T>(r: Random, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)] as T;
}

/** The run's seed: RELIABILITY_SEED when given, so a failure can be replayed, else a fixed default. */
export const SEED = Number(process.env.RELIABILITY_SEED ?? 20260201);
