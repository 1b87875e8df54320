// Writes docs/reliability.md from the JSON results of the suite's parts. Each part regenerates it when it
// finishes; run `node --import tsx test/reliability/report.ts` to rebuild it from the stored results.
import { writeFileSync } from 'node:fs';
import type { AuthzPart } from './results.js';
import { type FaultsPart, type FuzzPart, loadParts, type Parts } from './results.js';

export const REPORT = new URL('../../docs/reliability.md', import.meta.url).pathname;

const fmt = (r: Record<string, number>) =>
  Object.entries(r)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ') || '-';
const secs = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`);
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const when = (p: { finishedAt: string; seed: number; durationS: number }) =>
  `Run finished ${p.finishedAt}, seed ${p.seed}, ${p.durationS} s.`;

function faults(p: FaultsPart): string[] {
  const out = [
    '## Fault scenarios',
    '',
    when(p),
    `Load: ${p.load.messagesPerSecond} messages/s over ${p.load.channels} channels, ${p.load.subscribers} subscribers`,
    `on every channel. Readiness bound: not ready within ${p.bounds.downMs / 1000} s of an outage that lasts longer,`,
    `ready again within ${p.bounds.upMs / 1000} s of its end.`,
    '',
    row([
      'Scenario',
      'Published',
      'Acked',
      'Stored',
      'Delivered',
      'Lost',
      'Dup',
      'Holes',
      'Silent',
      'Sub dup/disorder',
      'Told (offsets/events)',
      'Errors',
      '5xx',
      'Not ready after',
      'Ready again after',
      'Result',
    ]),
    row(Array(16).fill('---')),
  ];
  for (const s of p.scenarios) {
    const f = s.figures;
    const errors = Object.values(f.errors).reduce((a, b) => a + b, 0);
    out.push(
      row([
        `\`${s.name}\``,
        f.published,
        f.acknowledged,
        f.stored,
        f.delivered,
        f.lost,
        f.duplicates,
        f.holes,
        f.silentHoles,
        `${f.subscriberDuplicates}/${f.outOfOrder}`,
        `${f.told}/${f.toldEvents}`,
        errors,
        f.http5xx,
        secs(s.readiness.maxDownLagMs),
        secs(s.readiness.maxUpLagMs),
        s.failures.length === 0 ? 'pass' : '**FAIL**',
      ]),
    );
  }
  out.push('', '### Details', '');
  for (const s of p.scenarios) {
    out.push(`**\`${s.name}\`**: ${s.fault}. ${s.durationS} s.`, '');
    out.push(
      `- publish errors: ${fmt(s.figures.errors)}; not published (in-flight cap): ${s.figures.skipped}`,
    );
    out.push(
      `- error frames to subscribers: ${fmt(s.figures.subscriberErrors)}; socket closes: ${fmt(s.closes)}`,
    );
    out.push(
      `- readiness: ${s.readiness.spurious} spurious non-200, ${s.readiness.falseReady} 200s past the bound`,
    );
    out.push(`- nginx errors: ${fmt(s.proxyErrors)}`);
    const slowest = secs(s.figures.slowestAnswerMs);
    out.push(`- slowest answered publish: ${slowest}; unanswered after 6 s: ${s.figures.unanswered}`);
    for (const failure of s.failures) out.push(`- **failed:** ${failure}`);
    out.push('');
  }
  return out;
}

function fuzz(p: FuzzPart): string[] {
  const out = ['## Fuzzing', '', when(p), ''];
  out.push(row(['Target', 'Cases', '5xx', '`internal` frames', 'Pings answered', 'Answers', 'Closes']));
  out.push(row(Array(7).fill('---')));
  for (const t of p.targets) {
    out.push(
      row([
        t.target,
        t.cases,
        t.http5xx,
        t.internalFrames,
        `${t.pingsAnswered}/${t.pingsSent}`,
        fmt(t.answers),
        fmt(t.closes),
      ]),
    );
  }
  out.push(
    '',
    `Replica crashed: ${p.crashed ? '**yes**' : 'no'}; error-level log lines: ${p.errorLogLines}.`,
  );
  for (const t of p.targets) for (const e of t.examples5xx) out.push(`- ${t.target} 5xx: \`${e}\``);
  return [...out, ''];
}

function authorization(p: AuthzPart): string[] {
  const principals = [...new Set(p.cells.map((c) => c.principal))];
  const actions = [...new Set(p.cells.map((c) => c.action))];
  const out = [
    '## Authorization matrix',
    '',
    when(p),
    'Cells: actual status (expected when it differs).',
    '',
  ];
  out.push(row(['Action', ...principals]), row(Array(principals.length + 1).fill('---')));
  for (const a of actions) {
    const cells = principals.map((pr) => {
      const c = p.cells.find((x) => x.principal === pr && x.action === a);
      if (!c) return '';
      return c.actual === c.expected
        ? String(c.actual)
        : `**${c.actual}** (expected ${c.expected}, ${c.code})`;
    });
    out.push(row([a, ...cells]));
  }
  return [...out, ''];
}

function logs(parts: Parts): string[] {
  const out = [
    '## Log scan',
    '',
    'API key, JWT secret, S3 secret key, every client token handed out, anything shaped',
  ];
  out.push('like a JWT, `X-Amz-Signature`/`X-Amz-Credential` and `signature=` query parameters.', '');
  out.push(row(['Part', 'Source', 'Lines', 'Findings']), row(['---', '---', '---', '---']));
  for (const [name, part] of Object.entries(parts) as [string, { logScans: FaultsPart['logScans'] }][]) {
    for (const { source, scan } of part.logScans) {
      const findings = scan.findings.map(
        (f) => `**${f.kind}** ×${f.count}: \`${f.example.replace(/`/g, "'")}\``,
      );
      out.push(row([name, source, scan.lines, findings.join('<br>') || 'none']));
    }
  }
  return [...out, ''];
}

export function renderReport(parts: Parts): string {
  const head = [
    '<!-- Generated by test/reliability (npm run test:reliability); do not edit. -->',
    '',
    '# Reliability',
    '',
    'Three replicas behind nginx configured as CapRover proxies an app (WebSocket upgrade, no stickiness,',
    'passive health only), on their own PostgreSQL and Redis; replica 2 reaches both through a TCP proxy that',
    'can delay or stall its traffic. A publisher sends messages with idempotency ids through nginx and every',
    'replica (HTTP and WebSocket) and retries failures with the same id; subscribers reconnect with `since`.',
    'After each scenario: every acknowledged id is stored once at its offset, offsets have no hole, every',
    'subscriber got every offset once and in order or was told (`recovered: false`, `gap`), errors invite a',
    'retry, and `/readyz` told the truth within the bound. Columns: Lost = acknowledged but not stored at the',
    'acknowledged offset; Dup = stored or acknowledged twice; Silent = offsets a subscriber neither got nor',
    'was told about; Told = offsets announced as lost.',
    '',
  ];
  const body = [
    ...(parts.faults ? faults(parts.faults) : []),
    ...(parts.fuzz ? fuzz(parts.fuzz) : []),
    ...(parts.authorization ? authorization(parts.authorization) : []),
    ...logs(parts),
  ];
  return `${[...head, ...body].join('\n').trimEnd()}\n`;
}

export function writeReport(): void {
  writeFileSync(REPORT, renderReport(loadParts()));
}

if (process.argv[1]?.endsWith('report.ts')) writeReport();
