// Scenarios 1 and 2: fan-out on one channel at several subscriber counts, and memory per idle subscribed
// connection. One deployment per session: the memory sample is taken with every client connected and
// idle, then fan-out rounds run from the largest size down (closing clients between sizes).
import type { Params } from '../lib/options.js';
import { type Summary, summarize } from '../lib/stats.js';
import type { Target } from '../targets/server.js';
import { Rig, type Round } from './rig.js';

export type RoundKind = 'capacity' | 'steady' | 'goal';

export type FanoutPoint = {
  kind: RoundKind;
  subscribers: number;
  rate: number;
  rounds: Round[];
  deliveriesPerSec: Summary;
  serverCpuUsPerDelivery: Summary;
  servicesCpuUsPerDelivery: Summary;
  loadCpuUsPerDelivery: Summary;
  p50Ms: Summary;
  p99Ms: Summary;
  deliveredRatio: Summary;
};

export type MemorySample = {
  connections: number;
  baselineRss: number;
  rss: number;
  baselineHeap: number;
  heap: number;
  connectMs: number;
};

export type MemoryResult = {
  connections: number;
  samples: MemorySample[];
  rssPerConnKB: Summary;
  heapPerConnKB: Summary;
  connectPerSec: Summary;
};

export function summarizeRounds(
  kind: RoundKind,
  subscribers: number,
  rate: number,
  rounds: Round[],
): FanoutPoint {
  const pick = (k: keyof Round) => summarize(rounds.map((r) => Number(r[k])));
  return {
    kind,
    subscribers,
    rate,
    rounds,
    deliveriesPerSec: pick('deliveriesPerSec'),
    serverCpuUsPerDelivery: pick('serverCpuUsPerDelivery'),
    servicesCpuUsPerDelivery: pick('servicesCpuUsPerDelivery'),
    loadCpuUsPerDelivery: pick('loadCpuUsPerDelivery'),
    p50Ms: pick('p50Ms'),
    p99Ms: pick('p99Ms'),
    deliveredRatio: pick('deliveredRatio'),
  };
}

export function summarizeMemory(connections: number, samples: MemorySample[]): MemoryResult {
  return {
    connections,
    samples,
    rssPerConnKB: summarize(samples.map((s) => (s.rss - s.baselineRss) / s.connections / 1024)),
    heapPerConnKB: summarize(samples.map((s) => (s.heap - s.baselineHeap) / s.connections / 1024)),
    connectPerSec: summarize(samples.map((s) => s.connections / (s.connectMs / 1000))),
  };
}

export function describeRound(r: Round): string {
  return (
    `${Math.round(r.deliveriesPerSec)} deliveries/s, ${r.serverCpuUsPerDelivery.toFixed(2)} µs server CPU/delivery, ` +
    `p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, delivered ${(r.deliveredRatio * 100).toFixed(1)}%` +
    (r.errors ? `, ${r.errors} errors (${r.firstError})` : '')
  );
}

type SessionPlan = { memory: boolean; fanoutSizes: number[] };

/** One deployment: optional idle-memory sample, then fan-out rounds at each size (largest first). */
async function session(target: Target, p: Params, runs: number, plan: SessionPlan, log: (m: string) => void) {
  const dep = await target.deploy({ replicas: 1 });
  const server = dep.servers[0]!;
  const rig = await Rig.start(`fanout-${target.id}`);
  const channel = 'bench';
  const points: FanoutPoint[] = [];
  let memory: MemorySample | undefined;
  try {
    const before = await server.mem();
    const sizes = [...plan.fanoutSizes].sort((a, b) => b - a);
    const first = plan.memory ? Math.max(p.memory.connections, sizes[0] ?? 0) : (sizes[0] ?? 0);
    const memAt = plan.memory ? p.memory.connections : -1;
    // Open up to the memory size first, sample, then top up to the largest fan-out size.
    const stops = [...new Set([memAt, first].filter((n) => n > 0))].sort((a, b) => a - b);
    for (const n of stops) {
      const ms = await rig.open(server.clientUrl, dep.protocol, channel, n - rig.subscribers);
      log(`${target.id}: ${rig.subscribers} subscribed in ${Math.round(ms)} ms`);
      if (n === memAt) {
        await new Promise((r) => setTimeout(r, 500));
        const after = await server.mem();
        memory = {
          connections: n,
          baselineRss: before.rss,
          rss: after.rss,
          baselineHeap: before.heapUsed,
          heap: after.heapUsed,
          connectMs: ms,
        };
        log(`${target.id}: ${((after.rss - before.rss) / n / 1024).toFixed(2)} KB RSS per idle connection`);
      }
    }
    const f = p.fanout;
    for (const n of sizes) {
      if (rig.subscribers > n) await rig.closeSome(rig.subscribers - n);
      const kinds: [RoundKind, number, number][] = [
        ['capacity', f.capacity.rate, Math.max(2, Math.round(f.capacity.deliveries / n))],
        ['steady', f.steady.rate, f.steady.messages],
      ];
      if (n === f.goal.subscribers) kinds.push(['goal', f.goal.rate, f.goal.messages]);
      const round = (rate: number, messages: number) =>
        rig.round({
          servers: [server],
          publishUrl: server.clientUrl,
          protocol: dep.protocol,
          channel,
          rate,
          messages,
          payloadBytes: f.payloadBytes,
          drainMs: f.drainMs,
        });
      // One unrecorded capacity round per size: the first burst after connecting pays for JIT warm-up,
      // pool connections and buffer growth, and would otherwise be one of the medians' runs.
      await round(kinds[0]![1], kinds[0]![2]);
      for (const [kind, rate, messages] of kinds) {
        const rounds: Round[] = [];
        // Capacity is repeated for its median; a steady or goal round is one run, which keeps the suite
        // under its 10 minutes (a goal round at 5k subscribers waits up to seconds for slow servers to drain).
        for (let i = 0; i < (kind === 'capacity' ? runs : 1); i++) {
          const r = await round(rate, messages);
          rounds.push(r);
          log(`${target.id} ${kind} n=${n} ${rate}/s: ${describeRound(r)}`);
        }
        points.push(summarizeRounds(kind, n, rate, rounds));
      }
    }
  } finally {
    await rig.stop();
    await dep.stop();
  }
  return { points: points.sort((a, b) => a.subscribers - b.subscribers), memory };
}

export async function runFanoutAndMemory(
  target: Target,
  p: Params,
  runs: number,
  want: { fanout: boolean; memory: boolean },
  log: (m: string) => void,
): Promise<{ fanout?: FanoutPoint[]; memory?: MemoryResult }> {
  const first = await session(
    target,
    p,
    runs,
    {
      memory: want.memory,
      fanoutSizes: want.fanout ? p.fanout.sizes : [],
    },
    log,
  );
  const samples = first.memory ? [first.memory] : [];
  // Further memory samples each need a fresh server: a sample is only as good as its baseline.
  for (let i = 1; want.memory && i < Math.min(runs, p.memory.sessions); i++) {
    const extra = await session(target, p, runs, { memory: true, fanoutSizes: [] }, log);
    if (extra.memory) samples.push(extra.memory);
  }
  return {
    ...(want.fanout ? { fanout: first.points } : {}),
    ...(want.memory ? { memory: summarizeMemory(p.memory.connections, samples) } : {}),
  };
}
