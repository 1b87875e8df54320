// The suite's results as JSON, one file per part under test/reliability/results/, written when a part
// finishes; docs/reliability.md is regenerated from whichever parts exist (report.ts).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogScan } from './log-scan.js';
import type { ScenarioResult } from './run-scenario.js';

export const RESULTS_DIR = new URL('./results/', import.meta.url).pathname;

interface PartBase {
  finishedAt: string;
  seed: number;
  durationS: number;
  /** Where each log scan looked, and what it found. */
  logScans: { source: string; scan: LogScan }[];
}

export interface FaultsPart extends PartBase {
  load: Record<string, number>;
  bounds: { downMs: number; upMs: number };
  scenarios: ScenarioResult[];
}

export interface FuzzTarget {
  target: string;
  cases: number;
  /** Answers by status (HTTP) or frame type/code (WebSocket). */
  answers: Record<string, number>;
  http5xx: number;
  internalFrames: number;
  closes: Record<string, number>;
  pingsAnswered: number;
  pingsSent: number;
  examples5xx: string[];
}

export interface FuzzPart extends PartBase {
  targets: FuzzTarget[];
  crashed: boolean;
  errorLogLines: number;
}

export interface AuthzCell {
  principal: string;
  action: string;
  expected: number;
  actual: number;
  code: string;
}

export interface AuthzPart extends PartBase {
  cells: AuthzCell[];
}

export interface Parts {
  faults?: FaultsPart;
  fuzz?: FuzzPart;
  authorization?: AuthzPart;
}

export function savePart<K extends keyof Parts>(name: K, part: NonNullable<Parts[K]>): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${name}.json`), `${JSON.stringify(part, null, 2)}\n`);
}

export function loadParts(): Parts {
  const parts: Parts = {};
  for (const name of ['faults', 'fuzz', 'authorization'] as const) {
    try {
      Object.assign(parts, { [name]: JSON.parse(readFileSync(join(RESULTS_DIR, `${name}.json`), 'utf8')) });
    } catch {}
  }
  return parts;
}
