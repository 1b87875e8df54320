// Summarises a V8 .cpuprofile: self time per function and per package or source file, heaviest first, as
// Markdown. `node --import tsx bench/lib/profile-summary.ts FILE.cpuprofile [top] [skip-ms]`.
import { readFileSync } from 'node:fs';

type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
export type Profile = {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
};

/** node_modules/<pkg> (scoped too), the project file, or the V8/Node category of the frame. */
function ownerOf(url: string, name: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1] as string;
  if (url.includes('/dist/') || url.includes('/src/')) return url.replace(/^.*\/(dist|src)\//, '$1/');
  if (url.startsWith('node:')) return url;
  return url ? url : `(${name || 'program'})`;
}

/** `skipMs` leaves out the first milliseconds of the profile (start-up: loading modules, migrations). */
export function summarizeProfile(profile: Profile, top = 25, skipMs = 0): string {
  const self = new Map<number, number>();
  let at = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (at >= skipMs * 1000) self.set(id, (self.get(id) ?? 0) + dt);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFn = new Map<string, number>();
  const byOwner = new Map<string, number>();
  for (const n of profile.nodes) {
    const t = self.get(n.id) ?? 0;
    const { functionName, url, lineNumber } = n.callFrame;
    const fn = `${functionName || '(anonymous)'} ${url ? `${ownerOf(url, functionName)}:${lineNumber + 1}` : ''}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + t);
    const owner = ownerOf(url, functionName);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + t);
  }
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([k, v]) =>
          `| ${k.replace(/\|/g, '\\|')} | ${(v / 1000).toFixed(0)} | ${((100 * v) / total).toFixed(1)} % |`,
      )
      .join('\n');
  return [
    `Sampled ${(total / 1e6).toFixed(2)} s of CPU.`,
    '',
    '| Package or file | Self ms | Share |',
    '| --- | --- | --- |',
    rows(byOwner),
    '',
    '| Function | Self ms | Share |',
    '| --- | --- | --- |',
    rows(byFn),
  ].join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: profile-summary.ts FILE.cpuprofile [top]');
  console.log(
    summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(process.argv[3] ?? 25)),
  );
}
