// One seeded pseudo-random source for every test that draws input or interleavings, so any failing case
// can be replayed from the seed it printed.

export type Random = () => number;

/** mulberry32: small, fast and good enough to spread test input. */
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
