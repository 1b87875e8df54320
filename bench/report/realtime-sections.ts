// Report sections of the WebSocket scenarios: fan-out, memory per connection, cross-replica fan-out.
import { loadResult, type TargetResult } from '../lib/results.js';
import type { FanoutPoint, MemoryResult, RoundKind } from '../scenarios/fanout.js';
import type { ReplicaPoint } from '../scenarios/replicas.js';
import { cell, gaps, mb, ratio, sameRun, table } from './format.js';
import { barChart } from './svg.js';

export type Charts = Map<string, string>;

const KIND_TEXT: Record<RoundKind, string> = {
  capacity:
    'Capacity: the publisher offers 1,000 msgs/s, more than any server here delivers, for a bounded number of messages',
  steady: 'Steady low rate: 10 msgs/s at every size, latency without saturation',
  goal: 'Goal point: 100 msgs/s for one second',
};

function fanoutRows(entries: [string, TargetResult<{ points: FanoutPoint[] }>][], kind: RoundKind) {
  const rows: string[][] = [];
  for (const [, e] of entries) {
    for (const pt of e.data?.points.filter((x) => x.kind === kind) ?? []) {
      rows.push([
        e.label,
        pt.subscribers.toLocaleString('en-US'),
        String(pt.rate),
        cell(pt.deliveriesPerSec),
        cell(pt.serverCpuUsPerDelivery),
        cell(pt.servicesCpuUsPerDelivery),
        cell(pt.loadCpuUsPerDelivery),
        cell(pt.p50Ms),
        cell(pt.p99Ms),
        cell(
          {
            ...pt.deliveredRatio,
            median: pt.deliveredRatio.median * 100,
            min: pt.deliveredRatio.min * 100,
            max: pt.deliveredRatio.max * 100,
          },
          '%',
        ),
      ]);
    }
  }
  return rows;
}

export function fanoutSection(charts: Charts): string {
  const res = loadResult<{ points: FanoutPoint[] }>('fanout');
  if (!res) return '_Not run yet._\n';
  const entries = Object.entries(res.targets);
  const head = [
    'Target',
    'Subscribers',
    'msgs/s offered',
    'Deliveries/s',
    'Server CPU µs/delivery',
    'PG+Redis CPU µs/delivery',
    'Load-generator CPU µs/delivery',
    'p50 ms',
    'p99 ms',
    'Delivered',
  ];
  const parts: string[] = [];
  for (const kind of ['capacity', 'steady', 'goal'] as RoundKind[]) {
    const rows = fanoutRows(entries, kind);
    if (rows.length === 0) continue;
    parts.push(`#### ${KIND_TEXT[kind]}\n\n${table(head, rows)}\n`);
  }
  const sizes = [...new Set(entries.flatMap(([, e]) => e.data?.points.map((x) => x.subscribers) ?? []))].sort(
    (a, b) => a - b,
  );
  const series = (metric: 'deliveriesPerSec' | 'serverCpuUsPerDelivery') =>
    entries.map(([, e]) => ({
      name: e.label,
      values: sizes.map(
        (n) => e.data?.points.find((x) => x.kind === 'capacity' && x.subscribers === n)?.[metric],
      ),
    }));
  const cats = sizes.map((n) => `${n.toLocaleString('en-US')} subscribers`);
  charts.set(
    'fanout-deliveries.svg',
    barChart({
      title: 'Fan-out capacity: deliveries per second (higher is better)',
      unit: 'deliveries/s',
      categories: cats,
      series: series('deliveriesPerSec'),
    }),
  );
  charts.set(
    'fanout-cpu.svg',
    barChart({
      title: 'Server CPU per delivery at capacity (lower is better)',
      unit: 'µs CPU per delivery',
      categories: cats,
      series: series('serverCpuUsPerDelivery'),
    }),
  );
  parts.push(
    '![Fan-out deliveries per second](benchmarks/fanout-deliveries.svg)\n\n![Server CPU per delivery](benchmarks/fanout-cpu.svg)\n',
  );
  // Ratios at each size, only between targets measured in the same run.
  const by = Object.fromEntries(entries);
  const ratioRows = sizes.map((n) => {
    const v = (id: string) =>
      by[id]?.data?.points.find((x) => x.kind === 'capacity' && x.subscribers === n)?.deliveriesPerSec.median;
    const r = (a: string, b: string) => (sameRun(by[a], by[b]) ? ratio(v(a), v(b)) : '–');
    return [
      n.toLocaleString('en-US'),
      r('paasport', 'ws-naive'),
      r('paasport', 'socketio-redis'),
      r('ws-batched', 'ws-naive'),
      r('ws-naive', 'socketio-redis'),
    ];
  });
  parts.push(
    `Deliveries/s ratios at capacity (same run):\n\n${table(['Subscribers', 'paasport / bare ws naive', 'paasport / Socket.IO', 'ws batched / ws naive', 'ws naive / Socket.IO'], ratioRows)}\n`,
  );
  return parts.join('\n') + gaps(entries);
}

export function memorySection(charts: Charts): string {
  const res = loadResult<MemoryResult>('memory');
  if (!res) return '_Not run yet._\n';
  const entries = Object.entries(res.targets);
  const rows = entries
    .filter(([, e]) => e.data)
    .map(([, e]) => {
      const d = e.data!;
      const s = d.samples[0]!;
      return [
        e.label,
        d.connections.toLocaleString('en-US'),
        cell(d.rssPerConnKB, ' KB'),
        cell(d.heapPerConnKB, ' KB'),
        mb(s.baselineRss),
        mb(s.rss),
        cell(d.connectPerSec),
        String(d.samples.length),
      ];
    });
  charts.set(
    'memory.svg',
    barChart({
      title: 'Memory per idle subscribed connection (lower is better)',
      unit: 'KB per connection',
      categories: ['RSS', 'JS heap'],
      series: entries
        .filter(([, e]) => e.data)
        .map(([, e]) => ({ name: e.label, values: [e.data!.rssPerConnKB, e.data!.heapPerConnKB] })),
    }),
  );
  return (
    `${table(['Target', 'Connections', 'RSS per connection', 'Heap per connection', 'RSS before', 'RSS after (first sample)', 'Connect+subscribe per s', 'Samples'], rows)}\n\n` +
    `![Memory per connection](benchmarks/memory.svg)\n${gaps(entries)}`
  );
}

export function replicasSection(): string {
  const res = loadResult<{ subscribers: number; points: ReplicaPoint[] }>('replicas');
  if (!res) return '_Not run yet._\n';
  const entries = Object.entries(res.targets);
  const rows: string[][] = [];
  for (const [, e] of entries) {
    for (const pt of e.data?.points ?? []) {
      rows.push([
        e.label,
        String(pt.replicas),
        pt.kind,
        pt.subscribers.toLocaleString('en-US'),
        String(pt.rate),
        cell(pt.deliveriesPerSec),
        cell(pt.serverCpuUsPerDelivery),
        cell(pt.p50Ms),
        cell(pt.p99Ms),
        cell(
          {
            ...pt.deliveredRatio,
            median: pt.deliveredRatio.median * 100,
            min: pt.deliveredRatio.min * 100,
            max: pt.deliveredRatio.max * 100,
          },
          '%',
        ),
      ]);
    }
  }
  const head = [
    'Target',
    'Replicas',
    'Round',
    'Subscribers',
    'msgs/s offered',
    'Deliveries/s',
    'Server CPU µs/delivery (all replicas)',
    'p50 ms',
    'p99 ms',
    'Delivered',
  ];
  return `${table(head, rows)}\n${gaps(entries)}`;
}
