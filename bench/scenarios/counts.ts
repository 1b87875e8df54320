// Scenario 4: counts on channels holding 1M and 10M stored messages. Rows are generated in SQL
// (`generate_series`) straight into each target's table, 1 ms apart, then the channel count and a
// one-minute time-window count are requested one at a time over HTTP.
import type { Params } from '../lib/options.js';
import { withClient } from '../lib/pg.js';
import { quantileOf, type Summary, summarize } from '../lib/stats.js';
import type { Deployment, Target } from '../targets/server.js';
import { loadPaasportMessages } from './paasport-schema.js';

/** Rows are stamped from this instant, 1 ms apart. */
export const BASE_MS = Date.parse('2026-01-01T00:00:00Z');
export const WINDOW_MS = 60_000;

export type CountPoint = {
  messages: number;
  channel: { p50Ms: Summary; p99Ms: Summary; value: number };
  window: { p50Ms: Summary; p99Ms: Summary; value: number };
  loadMs: number;
};

async function loadPeer(dep: Deployment, channel: string, n: number): Promise<void> {
  await withClient(dep.databaseUrl!, async (c) => {
    // Index after the bulk insert (faster), then VACUUM so counts can use index-only scans.
    await c.query('DROP INDEX IF EXISTS peer_messages_channel_ts');
    await c.query(
      `INSERT INTO peer_messages (channel, data, created_at)
       SELECT $1, jsonb_build_object('n', g), to_timestamp($2::double precision / 1000) + g * interval '1 ms'
       FROM generate_series(1, $3::bigint) AS g`,
      [channel, BASE_MS, n],
    );
    await c.query('CREATE INDEX peer_messages_channel_ts ON peer_messages (channel, created_at)');
    await c.query('VACUUM ANALYZE peer_messages');
  });
}

async function timed(url: string, headers: Record<string, string>, requests: number) {
  const samples: number[] = [];
  let value = Number.NaN;
  for (let i = 0; i < requests; i++) {
    const start = performance.now();
    const res = await fetch(url, { headers });
    const body = (await res.json()) as { count?: number };
    samples.push(performance.now() - start);
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${JSON.stringify(body)}`);
    value = Number(body.count);
  }
  return { p50: quantileOf(samples, 0.5), p99: quantileOf(samples, 0.99), value };
}

export async function runCounts(target: Target, p: Params, runs: number, log: (m: string) => void) {
  const dep = await target.deploy({ replicas: 1 });
  const points: CountPoint[] = [];
  try {
    const server = dep.servers[0]!;
    const headers: Record<string, string> = dep.apiKey ? { authorization: `Bearer ${dep.apiKey}` } : {};
    for (const n of p.counts.sizes) {
      const channel = `bench-count-${n}`;
      const t0 = performance.now();
      if (target.id === 'paasport') await loadPaasportMessages(dep, channel, n, BASE_MS);
      else await loadPeer(dep, channel, n);
      const loadMs = performance.now() - t0;
      log(`${target.id}: loaded ${n} messages in ${Math.round(loadMs)} ms`);
      const from = BASE_MS + Math.floor(n / 2);
      const windowUrl = `${server.httpUrl}/v1/channels/${channel}/count?from=${from}&to=${from + WINDOW_MS}`;
      const chan: { p50: number; p99: number; value: number }[] = [];
      const win: typeof chan = [];
      for (let i = 0; i < runs; i++) {
        chan.push(await timed(`${server.httpUrl}/v1/channels/${channel}`, headers, p.counts.requests));
        win.push(await timed(windowUrl, headers, p.counts.requests));
      }
      const point: CountPoint = {
        messages: n,
        channel: {
          p50Ms: summarize(chan.map((r) => r.p50)),
          p99Ms: summarize(chan.map((r) => r.p99)),
          value: chan[0]!.value,
        },
        window: {
          p50Ms: summarize(win.map((r) => r.p50)),
          p99Ms: summarize(win.map((r) => r.p99)),
          value: win[0]!.value,
        },
        loadMs,
      };
      if (point.channel.value !== n)
        throw new Error(`channel count is ${point.channel.value}, expected ${n}`);
      log(
        `${target.id} ${n}: count p50 ${point.channel.p50Ms.median.toFixed(2)} p99 ${point.channel.p99Ms.median.toFixed(2)} ms;` +
          ` window (${point.window.value}) p50 ${point.window.p50Ms.median.toFixed(2)} p99 ${point.window.p99Ms.median.toFixed(2)} ms`,
      );
      points.push(point);
    }
  } finally {
    await dep.stop();
  }
  return { windowMs: WINDOW_MS, points };
}
