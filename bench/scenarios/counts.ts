// Scenario 4: counts on channels holding 1M and 10M stored messages. Rows are generated in SQL
// (`generate_series`) straight into paasport's tables, 1 ms apart; paasport answers the channel count and
// a one-minute window count over HTTP, then the Express + pg peer counts the same rows with COUNT(*).
// Without paasport the peer is measured alone on its own table.
import type { Params } from '../lib/options.js';
import { withClient } from '../lib/pg.js';
import { quantileOf, type Summary, summarize } from '../lib/stats.js';
import type { Deployment, Target } from '../targets/server.js';
import { loadPaasportMessages, PEER_ON_PAASPORT_TABLE } from './paasport-schema.js';

/** Rows are stamped from this instant, 1 ms apart. */
export const BASE_MS = Date.parse('2026-01-01T00:00:00Z');
export const WINDOW_MS = 60_000;
/** Each timed series stops after this long even if it has fewer requests (a COUNT(*) may take 1 s). */
const SERIES_MS = 2_000;

type Stat = { p50Ms: Summary; p99Ms: Summary; value: number; samples: number };
export type CountPoint = { messages: number; channel: Stat; window: Stat; loadMs: number };
/** `floor`: the same HTTP path without a database (`/healthz`), to tell query time from HTTP jitter. */
export type CountsResult = { windowMs: number; points: CountPoint[]; floor?: Stat };

async function loadPeerOwn(dep: Deployment, channel: string, n: number): Promise<void> {
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

async function series(url: string, headers: Record<string, string>, requests: number) {
  const samples: number[] = [];
  let value = Number.NaN;
  const begin = performance.now();
  while (samples.length < requests && (samples.length === 0 || performance.now() - begin < SERIES_MS)) {
    const start = performance.now();
    const res = await fetch(url, { headers });
    const text = await res.text();
    let body: { count?: number } = {};
    try {
      body = JSON.parse(text);
    } catch {
      // /healthz may answer plain text; only count responses carry a value
    }
    samples.push(performance.now() - start);
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${JSON.stringify(body)}`);
    value = Number(body.count);
  }
  return { p50: quantileOf(samples, 0.5), p99: quantileOf(samples, 0.99), value, samples: samples.length };
}

async function measure(dep: Deployment, channel: string, n: number, runs: number, requests: number) {
  const server = dep.servers[0]!;
  const headers: Record<string, string> = dep.apiKey ? { authorization: `Bearer ${dep.apiKey}` } : {};
  // A window centred in the channel; row g is stamped BASE_MS + g ms, for g in 1..n.
  const lo = Math.max(1, Math.floor(n / 2) - WINDOW_MS / 2);
  const expectedWindow = Math.max(0, Math.min(n + 1, lo + WINDOW_MS) - lo);
  const from = BASE_MS + lo;
  const urls = {
    channel: `${server.httpUrl}/v1/channels/${channel}`,
    window: `${server.httpUrl}/v1/channels/${channel}/count?from=${from}&to=${from + WINDOW_MS}`,
  };
  const out = {} as Record<'channel' | 'window', Stat>;
  for (const kind of ['channel', 'window'] as const) {
    const list = [];
    for (let i = 0; i < runs; i++) list.push(await series(urls[kind], headers, requests));
    out[kind] = {
      p50Ms: summarize(list.map((r) => r.p50)),
      p99Ms: summarize(list.map((r) => r.p99)),
      value: list[0]!.value,
      samples: list.reduce((t, r) => t + r.samples, 0),
    };
  }
  if (out.channel.value !== n) throw new Error(`channel count is ${out.channel.value}, expected ${n}`);
  if (out.window.value !== expectedWindow) {
    throw new Error(`window count is ${out.window.value}, expected ${expectedWindow}`);
  }
  return out;
}

function describe(id: string, n: number, r: { channel: Stat; window: Stat }): string {
  const f = (s: Stat) =>
    `p50 ${s.p50Ms.median.toFixed(2)} p99 ${s.p99Ms.median.toFixed(2)} ms (${s.samples} requests)`;
  return `${id} ${n}: channel count ${f(r.channel)}; window count ${f(r.window)}`;
}

/** Runs paasport and/or the peer; returns a result or an error per target id. */
export async function runCounts(
  targets: { paasport?: Target; peer?: Target },
  p: Params,
  runs: number,
  log: (m: string) => void,
): Promise<Record<string, CountsResult | Error>> {
  const out: Record<string, CountsResult | Error> = {};
  const points: Record<string, CountPoint[]> = {};
  const add = (id: string, point: CountPoint) => {
    points[id] = [...(points[id] ?? []), point];
  };
  const peerId = targets.peer?.id ?? '';
  let floor: Stat | undefined;
  if (targets.paasport) {
    const dep = await targets.paasport.deploy({ replicas: 1 });
    try {
      const t0 = performance.now();
      const channels = p.counts.sizes.map((n) => ({ channel: `bench-count-${n}`, n }));
      await loadPaasportMessages(dep, channels, BASE_MS);
      const loadMs = performance.now() - t0;
      log(`paasport: loaded ${p.counts.sizes.join(' + ')} messages in ${Math.round(loadMs)} ms`);
      const floors = [];
      for (let i = 0; i < runs; i++)
        floors.push(await series(`${dep.servers[0]!.httpUrl}/healthz`, {}, p.counts.requests));
      floor = {
        p50Ms: summarize(floors.map((r) => r.p50)),
        p99Ms: summarize(floors.map((r) => r.p99)),
        value: Number.NaN,
        samples: floors.reduce((t, r) => t + r.samples, 0),
      };
      log(
        `paasport /healthz floor: p50 ${floor.p50Ms.median.toFixed(2)} p99 ${floor.p99Ms.median.toFixed(2)} ms`,
      );
      for (const { channel, n } of channels) {
        const r = await measure(dep, channel, n, runs, p.counts.requests);
        log(describe('paasport', n, r));
        add('paasport', { messages: n, loadMs, ...r });
      }
      if (targets.peer) {
        const env = { DATABASE_URL: dep.databaseUrl!, ...PEER_ON_PAASPORT_TABLE };
        const peer = await targets.peer.deploy({ replicas: 1, env });
        try {
          for (const n of p.counts.sizes) {
            const r = await measure(peer, `bench-count-${n}`, n, runs, p.counts.requests);
            log(describe(peerId, n, r));
            add(peerId, { messages: n, loadMs: Number.NaN, ...r });
          }
        } catch (err) {
          out[peerId] = err as Error;
        } finally {
          await peer.stop();
        }
      }
    } finally {
      await dep.stop();
    }
  } else if (targets.peer) {
    const peer = await targets.peer.deploy({ replicas: 1 });
    try {
      for (const n of p.counts.sizes) {
        const channel = `bench-count-${n}`;
        const t0 = performance.now();
        await loadPeerOwn(peer, channel, n);
        const loadMs = performance.now() - t0;
        const r = await measure(peer, channel, n, runs, p.counts.requests);
        log(describe(peerId, n, r));
        add(peerId, { messages: n, loadMs, ...r });
      }
    } finally {
      await peer.stop();
    }
  }
  for (const [id, list] of Object.entries(points)) {
    if (!out[id])
      out[id] = { windowMs: WINDOW_MS, points: list, ...(id === 'paasport' && floor ? { floor } : {}) };
  }
  return out;
}
