// GET /v1/admin/metrics: a few figures read from this replica's prom-client registry. Rates and the publish
// p99 cover the last minute: a sample of the counters every 5 s, compared with the current values.
import type { Registry } from 'prom-client';

const SAMPLE_MS = 5000;
const WINDOW_SAMPLES = 12;

interface Sample {
  at: number;
  deliveries: number;
  published: number;
  /** Cumulative count per bucket upper bound of the publish duration histogram. */
  buckets: Map<number, number>;
}

async function values(registry: Registry, name: string) {
  const metric = registry.getSingleMetric(name);
  return metric ? (await metric.get()).values : [];
}

const total = async (registry: Registry, name: string) =>
  (await values(registry, name)).reduce((n, v) => n + v.value, 0);

async function read(registry: Registry): Promise<Sample> {
  const buckets = new Map<number, number>();
  for (const v of await values(registry, 'paasport_publish_duration_seconds')) {
    if (!(v as { metricName?: string }).metricName?.endsWith('_bucket')) continue;
    const le = v.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(v.labels.le);
    buckets.set(le, (buckets.get(le) ?? 0) + v.value);
  }
  return {
    at: Date.now(),
    deliveries: await total(registry, 'paasport_message_deliveries_total'),
    published: await total(registry, 'paasport_messages_published_total'),
    buckets,
  };
}

/** Quantile q of the observations between two histogram snapshots, interpolated inside its bucket. */
export function quantile(q: number, from: Map<number, number>, to: Map<number, number>): number | null {
  const bounds = [...to.keys()].sort((a, b) => a - b);
  const delta = bounds.map((le) => (to.get(le) ?? 0) - (from.get(le) ?? 0));
  const count = delta.at(-1) ?? 0;
  if (count <= 0) return null;
  const rank = q * count;
  let lower = 0;
  let below = 0;
  for (let i = 0; i < bounds.length; i++) {
    const le = bounds[i] as number;
    const cumulative = delta[i] as number;
    if (cumulative >= rank) {
      // Beyond the last finite bound nothing is known but that bound.
      if (!Number.isFinite(le)) return lower;
      const inBucket = cumulative - below;
      return inBucket <= 0 ? le : lower + ((le - lower) * (rank - below)) / inBucket;
    }
    lower = le;
    below = cumulative;
  }
  return lower;
}

export class MetricsSummary {
  readonly #samples: Sample[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly registry: Registry) {}

  start(): void {
    const sample = () =>
      read(this.registry).then((s) => {
        this.#samples.push(s);
        if (this.#samples.length > WINDOW_SAMPLES) this.#samples.shift();
      });
    void sample();
    this.#timer = setInterval(() => void sample(), SAMPLE_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async summary() {
    const now = await read(this.registry);
    const first = this.#samples[0] ?? now;
    const seconds = Math.max(0.001, (now.at - first.at) / 1000);
    const rate = (a: number, b: number) => Math.round(((b - a) / seconds) * 100) / 100;
    const p99 = quantile(0.99, first.buckets, now.buckets);
    return {
      windowSeconds: Math.round(seconds),
      connections: await total(this.registry, 'paasport_websocket_connections'),
      channelsServed: await total(this.registry, 'paasport_channels_served'),
      publishedTotal: now.published,
      deliveriesTotal: now.deliveries,
      publishesPerSecond: rate(first.published, now.published),
      deliveriesPerSecond: rate(first.deliveries, now.deliveries),
      publishP99Ms: p99 === null ? null : Math.round(p99 * 1e5) / 100,
    };
  }
}
