// Machine-readable results: one JSON file per scenario under bench/results/. A run that covers only some
// targets replaces their entries and keeps the others, each entry tagged with the run that produced it,
// so the report only forms ratios between entries of the same run.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './proc.js';

export const RESULTS_DIR = join(ROOT, 'bench/results');

export type TargetStatus = 'ok' | 'skipped' | 'failed';

export type TargetResult<T> = {
  label: string;
  runId: string;
  status: TargetStatus;
  reason?: string;
  data?: T;
};

export type ScenarioResult<T> = {
  scenario: string;
  updatedAt: string;
  params: Record<string, unknown>;
  targets: Record<string, TargetResult<T>>;
};

export function resultPath(scenario: string): string {
  return join(RESULTS_DIR, `${scenario}.json`);
}

export function loadResult<T>(scenario: string): ScenarioResult<T> | undefined {
  const file = resultPath(scenario);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as ScenarioResult<T>;
}

export function saveResult<T>(
  scenario: string,
  params: Record<string, unknown>,
  targets: Record<string, TargetResult<T>>,
): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const previous = loadResult<T>(scenario);
  // Keep entries of targets not run this time, unless the parameters changed (they would not compare).
  const samePlan = previous && JSON.stringify(previous.params) === JSON.stringify(params);
  const merged = { ...(samePlan ? previous.targets : {}), ...targets };
  const out: ScenarioResult<T> = { scenario, updatedAt: new Date().toISOString(), params, targets: merged };
  writeFileSync(resultPath(scenario), `${JSON.stringify(out, null, 2)}\n`);
}

export function saveJson(name: string, value: unknown): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${name}.json`), `${JSON.stringify(value, null, 2)}\n`);
}

export function loadJson<T>(name: string): T | undefined {
  const file = join(RESULTS_DIR, `${name}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}
