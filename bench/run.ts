// Entry of `npm run bench`: runs the selected scenarios against paasport and its peers within a time
// budget, writes bench/results/*.json and regenerates docs/benchmarks.md with its charts.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { machineFacts } from './lib/machine.js';
import { type Options, type Params, params, parseOptions, type ScenarioId } from './lib/options.js';
import { serverVersion } from './lib/pg.js';
import { ROOT } from './lib/proc.js';
import { saveJson, saveResult, type TargetResult } from './lib/results.js';
import { renderReport } from './report/render.js';
import { runCounts } from './scenarios/counts.js';
import { runFanoutAndMemory } from './scenarios/fanout.js';
import { runPublish } from './scenarios/publish.js';
import { runRecovery } from './scenarios/recovery.js';
import { runReplicas } from './scenarios/replicas.js';
import { runColdStart, runGenerator } from './scenarios/startup.js';
import { centrifugoPg, centrifugoRedis } from './targets/centrifugo.js';
import { buildPaasport, paasport, paasportBatch, paasportWs } from './targets/paasport.js';
import {
  expressPg,
  naiveHttp,
  socketIoRecovery,
  socketIoRedis,
  wsBatched,
  wsNaive,
} from './targets/peers.js';
import type { Target } from './targets/server.js';

const TARGETS: Record<ScenarioId, Target[]> = {
  startup: [paasport, wsNaive, socketIoRedis, expressPg],
  fanout: [paasport, wsNaive, wsBatched, socketIoRedis, centrifugoRedis, centrifugoPg],
  memory: [paasport, wsNaive, wsBatched, socketIoRedis, centrifugoRedis, centrifugoPg],
  publish: [paasport, paasportBatch, paasportWs, naiveHttp, expressPg, centrifugoRedis, centrifugoPg],
  counts: [paasport, expressPg],
  recovery: [paasport, socketIoRecovery, centrifugoRedis, centrifugoPg],
  replicas: [paasport, socketIoRedis],
};

const started = performance.now();
const log = (m: string) =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)}s] ${m}`);

async function main(opts: Options): Promise<void> {
  const runId = `${new Date().toISOString()}-${randomBytes(2).toString('hex')}`;
  const p = params(opts.quick);
  // The whole suite must stay under 10 minutes on 2 cores; later work is skipped, and says so, past this.
  const deadline = started + (opts.quick ? 4 : 9.5) * 60_000;
  const wanted = (s: ScenarioId) => opts.scenarios.includes(s);
  const selected = (t: Target) => opts.targets.length === 0 || opts.targets.includes(t.id);
  const needsPaasport = opts.scenarios.some((s) =>
    TARGETS[s].some((t) => t.id.startsWith('paasport') && selected(t)),
  );
  const build = needsPaasport ? await buildPaasport(!opts.build) : { ok: false, reason: 'not selected' };
  log(needsPaasport ? `paasport: ${build.ok ? 'built' : build.reason}` : 'paasport not selected');

  const results: Partial<Record<ScenarioId, Record<string, TargetResult<unknown>>>> = {};
  const record = (s: ScenarioId, t: Target, r: Omit<TargetResult<unknown>, 'label' | 'runId'>) => {
    results[s] = { ...results[s], [t.id]: { label: t.label, runId, ...r } };
  };
  async function attempt<T>(
    scenarios: ScenarioId[],
    t: Target,
    fn: () => Promise<T>,
  ): Promise<T | undefined> {
    const skip = (reason: string) => {
      for (const s of scenarios) record(s, t, { status: 'skipped', reason });
      log(`${t.id}: skipped ${scenarios.join('+')}: ${reason}`);
    };
    if (t.id.startsWith('paasport') && !build.ok) {
      skip(build.reason);
      return undefined;
    }
    if (performance.now() > deadline) {
      skip('time budget of the run exhausted');
      return undefined;
    }
    try {
      return await fn();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      for (const s of scenarios) record(s, t, { status: 'failed', reason });
      log(`${t.id}: ${scenarios.join('+')} failed: ${reason}`);
      return undefined;
    }
  }
  const targetsOf = (s: ScenarioId) => TARGETS[s].filter(selected);

  if (wanted('startup')) {
    for (const t of targetsOf('startup')) {
      const r = await attempt(['startup'], t, async () => {
        const cold = await runColdStart(t, p.startup.coldRuns, log);
        const generator = t.id === 'paasport' ? await runGenerator(p.startup.coldRuns, log) : undefined;
        return { cold, generator };
      });
      if (r) record('startup', t, { status: 'ok', data: r });
    }
  }
  // Publish runs early: its comparison with Centrifugo is the one the time budget must not cut.
  if (wanted('publish')) {
    for (const t of targetsOf('publish')) {
      const r = await attempt(['publish'], t, () => runPublish(t, p, opts.runs, log));
      if (r) record('publish', t, { status: 'ok', data: r });
    }
  }
  if (wanted('fanout') || wanted('memory')) {
    const ts = [
      ...new Set([
        ...(wanted('fanout') ? targetsOf('fanout') : []),
        ...(wanted('memory') ? targetsOf('memory') : []),
      ]),
    ];
    for (const t of ts) {
      const which = (['fanout', 'memory'] as const).filter(wanted);
      const r = await attempt([...which], t, () =>
        runFanoutAndMemory(t, p, opts.runs, { fanout: wanted('fanout'), memory: wanted('memory') }, log),
      );
      if (r?.fanout) record('fanout', t, { status: 'ok', data: { points: r.fanout } });
      if (r?.memory) record('memory', t, { status: 'ok', data: r.memory });
    }
  }
  const simple: [ScenarioId, (t: Target) => Promise<unknown>][] = [
    ['recovery', (t) => runRecovery(t, p, opts.runs, log)],
    ['replicas', (t) => runReplicas(t, p, opts.runs, log)],
  ];
  // The short scenarios before the long load of counts, so a tight budget cuts one scenario, not three.
  for (const [s, fn] of simple) {
    if (!wanted(s)) continue;
    for (const t of targetsOf(s)) {
      const r = await attempt([s], t, () => fn(t));
      if (r) record(s, t, { status: 'ok', data: r });
    }
  }
  if (wanted('counts')) {
    const ts = targetsOf('counts');
    const pp = ts.find((t) => t.id === 'paasport');
    const peer = ts.find((t) => t.id !== 'paasport');
    // Both count the same rows: the peer is pointed at paasport's table once it is loaded.
    const usable = pp && build.ok && performance.now() < deadline ? pp : undefined;
    if (pp && !usable) await attempt(['counts'], pp, async () => undefined);
    const all = await attempt(['counts'], usable ?? peer ?? pp!, () =>
      runCounts({ ...(usable ? { paasport: usable } : {}), ...(peer ? { peer } : {}) }, p, opts.runs, log),
    );
    for (const t of ts) {
      const r = all?.[t.id];
      if (r instanceof Error) record('counts', t, { status: 'failed', reason: r.message });
      else if (r) record('counts', t, { status: 'ok', data: r });
    }
  }

  for (const [s, targets] of Object.entries(results)) {
    saveResult(s, { quick: opts.quick, runs: opts.runs, ...p[s as keyof Params] }, targets);
  }
  saveJson('meta', {
    runId,
    command: `npm run bench${opts.argv.length ? ` -- ${opts.argv.join(' ')}` : ''}`,
    finishedAt: new Date().toISOString(),
    durationSec: Math.round((performance.now() - started) / 1000),
    scenarios: opts.scenarios,
    commit: gitCommit(),
    paasport: { available: build.ok, reason: build.reason },
    machine: machineFacts(await serverVersion()),
  });
  if (opts.doc) {
    const file = renderReport();
    log(`wrote ${file}`);
  }
  log('done');
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
  } catch {
    return 'unknown';
  }
}

let opts: Options;
try {
  opts = parseOptions(process.argv.slice(2));
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(2);
}
main(opts).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
