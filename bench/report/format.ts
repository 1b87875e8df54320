// Table helpers for the benchmark report: Markdown tables and "median (min–max)" cells.
import type { TargetResult } from '../lib/results.js';
import type { Summary } from '../lib/stats.js';
import { fmt } from './svg.js';

export function cell(s: Summary | undefined, unit = ''): string {
  if (!s || !Number.isFinite(s.median)) return '–';
  const range = s.runs.length > 1 ? ` (${fmt(s.min)}–${fmt(s.max)})` : '';
  return `${fmt(s.median)}${unit}${range}`;
}

export function table(head: string[], rows: string[][]): string {
  const line = (r: string[]) =>
    `| ${r.map((c) => c.replace(/\|/g, '\\|').replace(/\n/g, ' ')).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** One line per target that did not produce data, so a gap in a table is always explained. */
export function gaps(entries: [string, TargetResult<unknown>][]): string {
  const lines = entries
    .filter(([, e]) => e.status !== 'ok')
    .map(([id, e]) => `- **${e.label}** (\`${id}\`): ${e.status} — ${e.reason ?? 'no reason recorded'}`);
  return lines.length ? `\n${lines.join('\n')}\n` : '';
}

export function ratio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '–';
  return `${(a / b).toFixed(2)}x`;
}

/** Ratios are only meaningful between entries measured in the same run. */
export function sameRun(...entries: (TargetResult<unknown> | undefined)[]): boolean {
  const ids = entries.map((e) => e?.runId);
  return ids.every((id) => id !== undefined && id === ids[0]);
}

export function kb(bytes: number): string {
  return `${fmt(bytes / 1024)} KB`;
}

export function mb(bytes: number): string {
  return `${fmt(bytes / 2 ** 20)} MB`;
}
