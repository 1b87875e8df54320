// Regenerates docs/benchmarks.md (and its SVG charts under docs/benchmarks/) from bench/results/*.json.
// Everything numeric in the document comes from the result files; nothing is typed in by hand.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MachineFacts } from '../lib/machine.js';
import { SCENARIOS } from '../lib/options.js';
import { ROOT } from '../lib/proc.js';
import { loadJson, loadResult } from '../lib/results.js';
import { table } from './format.js';
import { goalsSection } from './goals.js';
import { countsSection, publishSection, recoverySection, startupSection } from './http-sections.js';
import { pusherSection } from './pusher-section.js';
import { type Charts, fanoutSection, memorySection, replicasSection } from './realtime-sections.js';
import { standingSection } from './standing.js';

type Meta = {
  runId: string;
  command: string;
  finishedAt: string;
  durationSec: number;
  commit: string;
  paasport: { available: boolean; reason: string };
  machine: MachineFacts;
};

function machineSection(meta: Meta | undefined): string {
  if (!meta) return '_No run recorded yet: run `npm run bench`._\n';
  const m = meta.machine;
  const rows = [
    ['Command', `\`${meta.command}\``],
    ['Finished', `${meta.finishedAt} (${meta.durationSec} s, commit ${meta.commit})`],
    ['CPU', `${m.cores} cores, ${m.cpuModel}`],
    ['Memory', `${m.memoryGiB} GiB`],
    ['OS', m.os],
    ['Node.js', m.node],
    ['PostgreSQL / Redis', `${m.postgres} / ${m.redis}`],
    ['Centrifugo', m.centrifugo ?? 'not built'],
    ['fd limit (hard)', m.fdLimit],
    [
      'Packages',
      Object.entries(m.packages)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ],
    [
      'paasport',
      meta.paasport.available
        ? 'built from this checkout (`npm run build`)'
        : `not measured: ${meta.paasport.reason}`,
    ],
  ];
  // A run limited with --only/--targets replaces only its own rows; say which rows are older.
  const older = SCENARIOS.flatMap((s) =>
    Object.entries(loadResult(s)?.targets ?? {})
      .filter(([, e]) => e.runId !== meta.runId)
      .map(([id, e]) => `${s}/${id} (run ${e.runId})`),
  );
  const note = older.length
    ? `\nRows measured in an earlier run than the one above: ${older.join(', ')}.\n`
    : '';
  return `${table(['', ''], rows)}\n${note}`;
}

const METHOD = `- Every server and every load generator is a separate process on the same machine, over loopback
  (127.0.0.1). Server CPU is read from \`/proc/<pid>/stat\` of the server process(es) only; the CPU of
  PostgreSQL and Redis processes and of the load generator processes is reported in separate columns.
- The subscribers of a fan-out run are all held by one load process (thousands of \`ws\` or
  \`socket.io-client\` clients in one event loop); a second process publishes, stamping each message's
  data with its wall-clock send time, and subscribers compute publish-to-receive latency from it (same
  clock, same box). On two cores the load generator competes with the server: when a column shows the
  load generator's CPU per delivery above the server's, the figure is bounded by the client side.
- Fan-out rounds: *capacity* (the publisher offers 1,000 msgs/s, far above what any target delivers,
  for a fixed number of deliveries per round), *steady* (10 msgs/s) and the *goal point* (100 msgs/s for
  one second at 5,000 subscribers); exact counts are in \`bench/lib/options.ts\` and in each result
  file's \`params\`. Each subscriber count starts with one unrecorded capacity round (warm-up). The publisher keeps its connection and waits for every publish to be acknowledged.
  A round ends when every subscriber has every message, or after 3 s without progress (bounded at
  30 s); "Delivered" shows the share that arrived.
- Memory: RSS and JS heap of the server after two forced GCs (\`--expose-gc\`, asked over IPC by a probe
  module preloaded into every server, paasport included), before and after opening the idle subscribed
  connections; per connection = difference / connections; each sample is a new server.
- Persisted publish: a load process (\`bench/load/publish-load.ts\`, undici keep-alive pool, or \`ws\`)
  keeps N publishes in flight for a fixed window over 10 channels and measures its own CPU. paasport is
  measured one message per HTTP request, in batches of 20 (\`POST /v1/publish-batch\`) and over WebSocket
  (\`publish\` frames answered by \`ack\` once committed; N in flight over 10 connections). Peers: the naive
  floor (plain \`node:http\`, one autocommit INSERT per request), the smallest Express + \`pg\` handler, and
  Centrifugo v6 publishing through its HTTP API (\`/api/publish\`) with history in Redis (Redis engine) or in
  PostgreSQL (PostgreSQL broker). None of the Node peers has paasport's offsets, idempotency or fan-out.
  After the run every target's stored count of the 10 channels is compared with what it acknowledged.
  Every target uses the same PostgreSQL: \`npm run bench\` starts one (and a Redis) as the test runner does,
  with \`fsync\` and \`synchronous_commit\` off, unless \`BENCH_PG_URL\` and \`BENCH_REDIS_URL\` name others. The WebSocket path is then profiled (\`--cpu-prof\`) in a
  deployment of its own, so the profiler's cost is in no figure: \`bench/results/publish-profile.md\`.
- Centrifugo (Go, built from source at the pinned version by \`bash scripts/tools.sh centrifugo\`, or by the
  first \`npm run bench\` that needs it) runs with anonymous clients (\`client.insecure\`), history on every
  channel and its JSON protocol over WebSocket; its memory is RSS only (no JS heap, no forced GC).
- Counts: rows generated with SQL \`generate_series\` straight into the table (1 ms apart), then the
  channel count and a one-minute window count are requested one at a time over HTTP. The peer answers
  with \`COUNT(*)\` on an index, which is what a straightforward implementation does.
- Every figure is the median of the runs shown in parentheses as min–max; ratios are only formed between
  results of the same run, on a shared 2-core machine (other work ran on it meanwhile), so they are noisy. The peers run through \`tsx\` (TypeScript loader), paasport from \`dist/\`,
  which matters only for cold start.`;

export function renderReport(): string {
  const meta = loadJson<Meta>('meta');
  const charts: Charts = new Map();
  const sections = [
    ['Where paasport stands', standingSection()],
    ['Goals', goalsSection()],
    ['1. Fan-out on one channel', fanoutSection(charts)],
    ['2. Memory per idle subscribed connection', memorySection(charts)],
    ['3. Persisted publish', publishSection(charts)],
    ['4. Counts on large channels', countsSection()],
    ['5. Recovery after reconnect', recoverySection()],
    ['6. Cross-replica fan-out', replicasSection()],
    ['7. Generator and cold start', startupSection()],
    ["8. Pusher face beside paasport's own protocol", pusherSection()],
  ];
  const doc = [
    '<!-- Generated by `npm run bench` (bench/report/render.ts) from bench/results/*.json; do not edit. -->',
    '# Benchmarks',
    '',
    'paasport beside what a Node user would pick instead, measured in the same run on the same machine.',
    'Reproduce with `npm run bench` (whole suite, bounded to 10 minutes); `npm run bench -- --quick` is a',
    'smoke run, `--only=fanout,memory` and `--targets=paasport,ws-naive` select parts (`--help` lists all).',
    'Raw results: `bench/results/*.json`.',
    '',
    '## Machine and command',
    '',
    machineSection(meta),
    ...sections.flatMap(([title, body]) => [`## ${title}`, '', body]),
    '## Method',
    '',
    METHOD,
    '',
  ].join('\n');
  const dir = join(ROOT, 'docs/benchmarks');
  mkdirSync(dir, { recursive: true });
  for (const [name, svg] of charts) writeFileSync(join(dir, name), svg);
  const file = join(ROOT, 'docs/benchmarks.md');
  writeFileSync(file, doc);
  return file;
}
