// Writes an imported spec as YAML under a header comment listing what was not carried over, what changed on
// the way and which losses each target accepts, each with its reason.
import { stringify } from 'yaml';
import type { AppSpecV2 } from '../spec/types-v2.js';
import { type Finding, formatFinding } from './findings.js';
import type { Settled } from './settle.js';

const width = 116;

function wrap(line: string): string[] {
  const out: string[] = [];
  let rest = line;
  let prefix = '# ';
  while (`${prefix}${rest}`.length > width) {
    const room = width - prefix.length;
    const cut = rest.lastIndexOf(' ', room);
    const at = cut > room / 2 ? cut : room;
    out.push(`${prefix}${rest.slice(0, at)}`.trimEnd());
    rest = rest.slice(at).trimStart();
    prefix = '#     ';
  }
  out.push(`${prefix}${rest}`);
  return out;
}

function section(title: string, lines: string[]): string[] {
  if (lines.length === 0) return [];
  return ['#', ...wrap(`${title} (${lines.length}):`), ...lines.flatMap((l) => wrap(`  - ${l}`))];
}

/** The report lines: also what the CLI prints to stderr. */
export function reportLines(findings: Finding[], settled: Settled): { title: string; lines: string[] }[] {
  return [
    { title: 'Not carried over', lines: findings.filter((f) => f.kind === 'skip').map(formatFinding) },
    { title: 'Changed on the way', lines: findings.filter((f) => f.kind === 'change').map(formatFinding) },
    {
      title: 'Losses accepted in targets.<target>.accept',
      lines: settled.accepted.map(
        (a) => `${a.target} accepts ${a.loss}${a.messages.length > 0 ? `: ${a.messages.join('; ')}` : ''}`,
      ),
    },
    { title: 'Still errors (fix them by hand)', lines: [...settled.specErrors, ...settled.errors] },
  ];
}

export function renderSpec(spec: AppSpecV2, file: string, findings: Finding[], settled: Settled): string {
  const header = [
    ...wrap(
      `Imported from ${file} by \`paasport import\`. Review it, then: paasport validate; paasport generate.`,
    ),
    ...reportLines(findings, settled).flatMap((s) => section(s.title, s.lines)),
  ];
  return `${header.join('\n')}\n${stringify(spec, { lineWidth: 0 })}`;
}
