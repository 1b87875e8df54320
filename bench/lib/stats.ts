// Statistics for the benchmarks: a fixed-bucket latency histogram that load processes can merge and ship
// over IPC, and the median/min/max summary every reported figure is made of.

/** Sub-100 ms values keep 10 µs resolution; above that 1 ms, up to 120 s (anything longer is clamped). */
const FINE_LIMIT_MS = 100;
const FINE_STEP_MS = 0.01;
const COARSE_STEP_MS = 1;
const MAX_MS = 120_000;
const FINE_BUCKETS = Math.round(FINE_LIMIT_MS / FINE_STEP_MS);
const BUCKETS = FINE_BUCKETS + Math.round((MAX_MS - FINE_LIMIT_MS) / COARSE_STEP_MS) + 1;

export type SparseHistogram = { count: number; max: number; buckets: [number, number][] };

export class Histogram {
  private counts = new Uint32Array(BUCKETS);
  count = 0;
  max = 0;

  record(ms: number): void {
    const v = ms < 0 ? 0 : ms;
    const i =
      v < FINE_LIMIT_MS
        ? Math.floor(v / FINE_STEP_MS)
        : Math.min(BUCKETS - 1, FINE_BUCKETS + Math.floor((v - FINE_LIMIT_MS) / COARSE_STEP_MS));
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.count++;
    if (v > this.max) this.max = v;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.max = 0;
  }

  toSparse(): SparseHistogram {
    const buckets: [number, number][] = [];
    for (let i = 0; i < BUCKETS; i++) {
      const c = this.counts[i] ?? 0;
      if (c > 0) buckets.push([i, c]);
    }
    return { count: this.count, max: this.max, buckets };
  }

  merge(other: SparseHistogram): void {
    for (const [i, c] of other.buckets) this.counts[i] = (this.counts[i] ?? 0) + c;
    this.count += other.count;
    if (other.max > this.max) this.max = other.max;
  }

  /** Upper edge of the bucket holding quantile q (0..1), in ms; NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) {
        const edge =
          i < FINE_BUCKETS ? (i + 1) * FINE_STEP_MS : FINE_LIMIT_MS + (i - FINE_BUCKETS + 1) * COARSE_STEP_MS;
        return Math.min(edge, this.max);
      }
    }
    return this.max;
  }

  static from(sparse: SparseHistogram[]): Histogram {
    const h = new Histogram();
    for (const s of sparse) h.merge(s);
    return h;
  }
}

/** A figure measured several times: the median is the headline, min and max show the spread. */
export type Summary = { median: number; min: number; max: number; runs: number[] };

export function summarize(values: number[]): Summary {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: values };
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: values };
}

/** Quantile of raw samples (nearest rank); used where every sample is kept (HTTP counts, cold starts). */
export function quantileOf(samples: number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

export function round(v: number, digits = 2): number {
  if (!Number.isFinite(v)) return v;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
