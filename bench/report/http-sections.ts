// Report sections of the HTTP and process scenarios: persisted publish, counts, recovery, cold starts.
import { loadResult } from '../lib/results.js';
import type { Summary } from '../lib/stats.js';
import type { CountsResult } from '../scenarios/counts.js';
import type { PublishResult } from '../scenarios/publish.js';
import type { RecoveryResult } from '../scenarios/recovery.js';
import type { ColdStart } from '../scenarios/startup.js';
import { cell, gaps, table } from './format.js';
import type { Charts } from './realtime-sections.js';
import { barChart } from './svg.js';

export function publishSection(charts: Charts): string {
  const res = loadResult<PublishResult>('publish');
  if (!res) return '_Not run yet._\n';
  const entries = Object.entries(res.targets);
  const rows: string[][] = [];
  for (const [, e] of entries) {
    for (const pt of e.data?.points ?? []) {
      rows.push([
        e.label,
        String(pt.concurrency),
        cell(pt.msgsPerSec),
        cell(pt.p50Ms),
        cell(pt.p99Ms),
        cell(pt.serverCpuUsPerMsg),
        cell(pt.servicesCpuUsPerMsg),
        cell(pt.clientCpuUsPerMsg),
      ]);
    }
  }
  const checks = entries
    .filter(([, e]) => e.data)
    .map(
      ([, e]) =>
        `- ${e.label}: ${e.data!.acknowledged.toLocaleString('en-US')} acknowledged, ${e.data!.stored.toLocaleString('en-US')} stored afterwards${e.data!.stored >= e.data!.acknowledged ? ' (every acknowledged message is stored)' : ' — **fewer stored than acknowledged**'}${e.data!.firstError ? `; first error: ${e.data!.firstError}` : ''}.`,
    );
  const conc = [...new Set(entries.flatMap(([, e]) => e.data?.points.map((x) => x.concurrency) ?? []))].sort(
    (a, b) => a - b,
  );
  charts.set(
    'publish.svg',
    barChart({
      title: 'Persisted publishes per second, 10 channels (higher is better)',
      unit: 'messages/s',
      categories: conc.map((c) => `concurrency ${c}`),
      series: entries
        .filter(([, e]) => e.data)
        .map(([, e]) => ({
          name: e.label,
          values: conc.map((c) => e.data!.points.find((x) => x.concurrency === c)?.msgsPerSec),
        })),
    }),
  );
  const head = [
    'Target',
    'Concurrency',
    'msgs/s',
    'p50 ms',
    'p99 ms',
    'Server CPU µs/msg',
    'PG+Redis CPU µs/msg',
    'Load-generator CPU µs/msg',
  ];
  return `${table(head, rows)}\n\n${checks.join('\n')}\n\n![Persisted publish](benchmarks/publish.svg)\n${gaps(entries)}`;
}

export function countsSection(): string {
  const res = loadResult<CountsResult>('counts');
  if (!res) return '_Not run yet._\n';
  const entries = Object.entries(res.targets);
  const rows: string[][] = [];
  for (const [, e] of entries) {
    for (const pt of e.data?.points ?? []) {
      rows.push([
        e.label,
        pt.messages.toLocaleString('en-US'),
        cell(pt.channel.p50Ms),
        cell(pt.channel.p99Ms),
        String(pt.channel.samples),
        pt.window.value.toLocaleString('en-US'),
        cell(pt.window.p50Ms),
        cell(pt.window.p99Ms),
        String(pt.window.samples),
        Number.isFinite(pt.loadMs)
          ? `${(pt.loadMs / 1000).toFixed(1)} s (all sizes)`
          : 'same rows as paasport',
      ]);
    }
  }
  const head = [
    'Target',
    'Stored messages',
    'Channel count p50 ms',
    'Channel count p99 ms',
    'Requests',
    'Messages in window',
    'Window count p50 ms',
    'Window count p99 ms',
    'Requests',
    'Bulk load',
  ];
  const floor = res.targets.paasport?.data?.floor;
  const floorText = floor
    ? `\nHTTP floor: \`GET /healthz\` on the same paasport server (no database) answers in p50 ${cell(floor.p50Ms)} ms, p99 ${cell(floor.p99Ms)} ms.\n`
    : '';
  return `${table(head, rows)}\n${floorText}${gaps(entries)}`;
}

export function recoverySection(): string {
  const res = loadResult<RecoveryResult>('recovery');
  if (!res) return '_Not run yet._\n';
  const entries = Object.entries(res.targets);
  const rows = entries
    .filter(([, e]) => e.data)
    .map(([, e]) => {
      const d = e.data!;
      return [
        e.label,
        String(d.missed),
        cell(d.ms),
        d.recovered.every(Boolean)
          ? 'yes'
          : `no (${d.recovered.filter(Boolean).length}/${d.recovered.length})`,
        d.inOrder.every(Boolean) ? 'yes' : 'no',
      ];
    });
  return `${table(['Target', 'Missed messages', 'Time to replay all (ms)', 'Reported recovered', 'Complete and in order'], rows)}\n${gaps(entries)}`;
}

type StartupData = { cold: ColdStart; generator?: { spec: string; files: number; ms: Summary } };

export function startupSection(): string {
  const res = loadResult<StartupData>('startup');
  if (!res) return '_Not run yet._\n';
  const entries = Object.entries(res.targets);
  const rows = entries
    .filter(([, e]) => e.data)
    .map(([, e]) => [e.label, cell(e.data!.cold.fresh), cell(e.data!.cold.existing)]);
  const gen = entries.find(([, e]) => e.data?.generator)?.[1].data?.generator;
  const genText = gen
    ? `Generator, cold (\`node dist/cli.js generate ${gen.spec} --out <tmp>\`, a new process each run, ${gen.files} files written): **${cell(gen.ms, ' ms')}**.\n`
    : 'Generator: not measured in the recorded run.\n';
  const head = [
    'Target',
    'Spawn to ready, ms (paasport: new database, migrations included)',
    'paasport: already migrated database, ms',
  ];
  return `${genText}\n${table(head, rows)}\n${gaps(entries)}`;
}
