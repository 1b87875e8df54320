// "Where paasport stands": each headline metric of one run as a ratio to the best peer measured in the same
// run (Centrifugo, Socket.IO, bare ws, Express, the naive floor), with the corked bare `ws` server shown as
// the machine's floor for fan-out. A ratio above 1 means paasport is better, whichever way the metric goes.
import { loadResult, type TargetResult } from '../lib/results.js';
import type { Summary } from '../lib/stats.js';
import type { FanoutPoint, MemoryResult } from '../scenarios/fanout.js';
import type { PublishResult } from '../scenarios/publish.js';
import type { RecoveryResult } from '../scenarios/recovery.js';
import { sameRun, table } from './format.js';
import { fmt } from './svg.js';

/** The corked bare `ws` server: no framework, no storage; what this box can deliver at all. */
const FLOOR = 'ws-batched';

type Metric = {
  name: string;
  /** paasport's value and the candidates' values (target id -> value). */
  mine?: { label: string; value: number; entry: TargetResult<unknown> };
  peers: { id: string; label: string; value: number; entry: TargetResult<unknown> }[];
  higherIsBetter: boolean;
  unit: string;
  floor?: number;
};

function row(m: Metric): string[] {
  const peers = m.peers.filter(
    (p) => Number.isFinite(p.value) && (!m.mine || sameRun(m.mine.entry, p.entry)),
  );
  if (!m.mine || !Number.isFinite(m.mine.value) || peers.length === 0) {
    return [m.name, m.mine ? `${fmt(m.mine.value)} ${m.unit}` : '–', '–', '–', '–'];
  }
  const best = peers.reduce((a, b) => ((m.higherIsBetter ? b.value > a.value : b.value < a.value) ? b : a));
  const ratio = m.higherIsBetter ? m.mine.value / best.value : best.value / m.mine.value;
  return [
    m.name,
    `${fmt(m.mine.value)} ${m.unit}${m.mine.label ? ` (${m.mine.label})` : ''}`,
    `${best.label}: ${fmt(best.value)} ${m.unit}`,
    `**${ratio.toFixed(2)}x**`,
    m.floor !== undefined && Number.isFinite(m.floor) ? `${fmt(m.floor)} ${m.unit}` : '–',
  ];
}

function fanoutMetrics(): Metric[] {
  const res = loadResult<{ points: FanoutPoint[] }>('fanout');
  if (!res) return [];
  const at = (e: TargetResult<{ points: FanoutPoint[] }> | undefined, n: number) =>
    e?.data?.points.find((p) => p.kind === 'capacity' && p.subscribers === n);
  const sizes = [
    ...new Set(Object.values(res.targets).flatMap((e) => e.data?.points.map((p) => p.subscribers) ?? [])),
  ];
  const out: Metric[] = [];
  for (const n of sizes.sort((a, b) => a - b)) {
    for (const [name, key, higher, unit] of [
      ['deliveries/s', 'deliveriesPerSec', true, '/s'],
      ['server CPU per delivery', 'serverCpuUsPerDelivery', false, 'µs'],
    ] as const) {
      const value = (e: TargetResult<{ points: FanoutPoint[] }> | undefined) =>
        (at(e, n)?.[key] as Summary | undefined)?.median ?? Number.NaN;
      const pp = res.targets.paasport;
      out.push({
        name: `Fan-out at ${n.toLocaleString('en-US')} subscribers: ${name}`,
        ...(pp ? { mine: { label: '', value: value(pp), entry: pp } } : {}),
        peers: Object.entries(res.targets)
          .filter(([id]) => id !== 'paasport' && id !== FLOOR)
          .map(([id, e]) => ({ id, label: e.label, value: value(e), entry: e })),
        higherIsBetter: higher,
        unit,
        floor: value(res.targets[FLOOR]),
      });
    }
  }
  return out;
}

function memoryMetrics(): Metric[] {
  const res = loadResult<MemoryResult>('memory');
  if (!res) return [];
  const pp = res.targets.paasport;
  const peers = (f: (d: MemoryResult) => number) =>
    Object.entries(res.targets)
      .filter(([id]) => id !== 'paasport' && id !== FLOOR)
      .map(([id, e]) => ({ id, label: e.label, value: e.data ? f(e.data) : Number.NaN, entry: e }));
  const mine = (f: (d: MemoryResult) => number) =>
    pp?.data ? { mine: { label: '', value: f(pp.data), entry: pp } } : {};
  const rss = (d: MemoryResult) => d.rssPerConnKB.median;
  const rate = (d: MemoryResult) => d.connectPerSec.median;
  const floor = res.targets[FLOOR]?.data;
  return [
    {
      name: 'RSS per idle subscribed connection',
      ...mine(rss),
      peers: peers(rss),
      higherIsBetter: false,
      unit: 'KB',
      floor: floor ? rss(floor) : Number.NaN,
    },
    {
      name: 'Connect + subscribe rate',
      ...mine(rate),
      peers: peers(rate),
      higherIsBetter: true,
      unit: '/s',
      floor: floor ? rate(floor) : Number.NaN,
    },
  ];
}

function publishMetrics(): Metric[] {
  const res = loadResult<PublishResult>('publish');
  if (!res) return [];
  // Concurrency 50 is the goal point; each of paasport's ways of publishing gets its own rows.
  const at = (e: TargetResult<PublishResult>) => e.data?.points.find((p) => p.concurrency === 50);
  const others = Object.entries(res.targets).filter(([id]) => !id.startsWith('paasport'));
  const out: Metric[] = [];
  for (const [id, own] of Object.entries(res.targets).filter(([k]) => k.startsWith('paasport'))) {
    const how =
      id === 'paasport' ? 'one message per HTTP request' : own.label.replace(/^paasport \((.*)\)$/, '$1');
    for (const [name, key, higher, unit] of [
      ['persisted publishes/s', 'msgsPerSec', true, '/s'],
      ['p99', 'p99Ms', false, 'ms'],
    ] as const) {
      const value = (e: TargetResult<PublishResult>) =>
        (at(e)?.[key] as Summary | undefined)?.median ?? Number.NaN;
      out.push({
        name: `Publish at concurrency 50, ${how}: ${name}`,
        mine: { label: '', value: value(own), entry: own },
        peers: others.map(([pid, e]) => ({ id: pid, label: e.label, value: value(e), entry: e })),
        higherIsBetter: higher,
        unit,
      });
    }
  }
  return out;
}

function recoveryMetrics(): Metric[] {
  const res = loadResult<RecoveryResult>('recovery');
  if (!res) return [];
  const pp = res.targets.paasport;
  const value = (e: TargetResult<RecoveryResult>) => e.data?.ms.median ?? Number.NaN;
  return [
    {
      name: `Recovery of ${res.targets.paasport?.data?.missed ?? 1000} missed messages`,
      ...(pp ? { mine: { label: '', value: value(pp), entry: pp } } : {}),
      peers: Object.entries(res.targets)
        .filter(([id]) => id !== 'paasport')
        .map(([id, e]) => ({ id, label: e.label, value: value(e), entry: e })),
      higherIsBetter: false,
      unit: 'ms',
    },
  ];
}

export function standingSection(): string {
  const metrics = [...fanoutMetrics(), ...memoryMetrics(), ...publishMetrics(), ...recoveryMetrics()];
  if (metrics.length === 0) return '_Not run yet._\n';
  const head = [
    'Metric',
    'paasport',
    'Best peer in the same run',
    'paasport vs best peer',
    'Machine floor (corked bare ws)',
  ];
  return (
    `${table(head, metrics.map(row))}\n\n` +
    'Ratios above 1 favour paasport (for costs, latency and memory the ratio is peer ÷ paasport). Each ratio ' +
    'compares results of one run (rows of different runs are never compared; run ids are in `bench/results/`), ' +
    'on a shared 2-core machine where the load generators, PostgreSQL and Redis share the same cores, so they ' +
    'move by tens of percent between runs. The peers publish one message per request; a batch p99 is that of a ' +
    'request of 20 messages.\n'
  );
}
