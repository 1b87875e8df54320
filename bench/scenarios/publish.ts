// Scenario 3: persisted publish at several concurrencies over 10 channels, driven by an undici (or ws) load
// process (bench/load/publish-load.ts). paasport is measured over HTTP one message per request, over HTTP in
// batches and over WebSocket with acks; peers over their HTTP publish. Every acknowledgement must mean a
// stored message, so acknowledged is checked against what the target stores afterwards.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { servicesCpuMs } from '../lib/machine.js';
import type { Params } from '../lib/options.js';
import { withClient } from '../lib/pg.js';
import { cpuMs, LOG_DIR, ROOT } from '../lib/proc.js';
import { type Profile, summarizeProfile } from '../lib/profile-summary.js';
import { type Summary, summarize } from '../lib/stats.js';
import type { LoadResult, LoadSpec, PublishMode } from '../load/publish-load.js';
import type { Deployment, Target } from '../targets/server.js';

const LOADER = join(ROOT, 'bench/load/publish-load.ts');
const CHANNELS = Array.from({ length: 10 }, (_, i) => `bench-publish-${i}`);
/** Messages per request when paasport publishes in batches. */
export const BATCH_SIZE = 20;
/** The target whose server runs under the CPU profiler. */
const PROFILED = 'paasport-ws';

export type PublishRun = {
  msgsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  failed: number;
  serverCpuUsPerMsg: number;
  servicesCpuUsPerMsg: number;
  clientCpuUsPerMsg: number;
};

export type PublishPoint = {
  concurrency: number;
  runs: PublishRun[];
  msgsPerSec: Summary;
  p50Ms: Summary;
  p99Ms: Summary;
  serverCpuUsPerMsg: Summary;
  servicesCpuUsPerMsg: Summary;
  clientCpuUsPerMsg: Summary;
};

export type PublishResult = {
  mode: PublishMode;
  points: PublishPoint[];
  stored: number;
  acknowledged: number;
  firstError?: string;
};

/** How each target publishes: paasport's variants share its deployment code, peers use their HTTP API. */
export function modeOf(target: Target): PublishMode {
  if (target.id === 'paasport-batch') return 'http-batch';
  if (target.id === 'paasport-ws') return 'ws';
  if (target.protocol === 'centrifugo') return 'centrifugo';
  return 'http';
}

async function load(spec: LoadSpec): Promise<LoadResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', LOADER, JSON.stringify(spec)],
    { cwd: ROOT, maxBuffer: 16 << 20, timeout: (spec.seconds + 60) * 1000 },
  );
  return JSON.parse(stdout.trim().split('\n').pop() as string) as LoadResult;
}

/** Messages the target stores in the bench channels: its own count of each channel. */
async function storedCount(target: Target, dep: Deployment): Promise<number> {
  const origin = dep.servers[0]!.httpUrl;
  let total = 0;
  if (target.id.startsWith('paasport')) {
    for (const channel of CHANNELS) {
      const res = await fetch(`${origin}/v1/channels/${channel}`, {
        headers: { authorization: `Bearer ${dep.apiKey}` },
      });
      total += Number(((await res.json()) as { count?: number }).count);
    }
    return total;
  }
  if (target.protocol === 'centrifugo') {
    // The stream's top offset counts every publication it accepted (history holds up to 1M per channel).
    for (const channel of CHANNELS) {
      const res = await fetch(`${origin}/api/history`, {
        method: 'POST',
        headers: { 'x-api-key': dep.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ channel, limit: 0 }),
      });
      total += Number(((await res.json()) as { result?: { offset?: number } }).result?.offset ?? 0);
    }
    return total;
  }
  return withClient(dep.databaseUrl!, async (c) => {
    const { rows } = await c.query(
      'SELECT count(*)::bigint AS n FROM peer_messages WHERE channel = ANY($1::text[])',
      [CHANNELS],
    );
    return Number(rows[0].n);
  });
}

/** The load of one window against a deployment, in the target's way of publishing. */
function specFor(target: Target, dep: Deployment) {
  const server = dep.servers[0]!;
  const mode = modeOf(target);
  return (concurrency: number, seconds: number): LoadSpec => ({
    mode,
    url: mode === 'ws' ? server.clientUrl : server.httpUrl,
    apiKey: dep.apiKey,
    concurrency,
    channels: CHANNELS,
    seconds,
    batch: BATCH_SIZE,
    payloadBytes: 100,
  });
}

export async function runPublish(
  target: Target,
  p: Params,
  runs: number,
  log: (m: string) => void,
): Promise<PublishResult> {
  const result = await measure(target, p, runs, log);
  // The fastest path, WebSocket publish with acks, is the one the profile explains. Its server runs under
  // V8's sampling profiler in a deployment of its own after the measured windows, so no figure pays for it.
  if (target.id === PROFILED) {
    await profile(target, p, log).catch((err: Error) => log(`publish: profile run failed: ${err.message}`));
  }
  return result;
}

/** One window at concurrency 50 under the profiler; its summary goes to bench/results/publish-profile.md. */
async function profile(target: Target, p: Params, log: (m: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-prof-'));
  const dep = await target.deploy({ replicas: 1, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
  try {
    const spec = specFor(target, dep);
    await load(spec(10, p.publish.warmupSec));
    await load(spec(50, p.publish.durationSec));
  } finally {
    await dep.stop();
    saveProfile(dir, dep.servers[0]!.readyMs, log);
  }
}

async function measure(
  target: Target,
  p: Params,
  runs: number,
  log: (m: string) => void,
): Promise<PublishResult> {
  const dep = await target.deploy({ replicas: 1 });
  const server = dep.servers[0]!;
  const mode = modeOf(target);
  const spec = specFor(target, dep);
  const points: PublishPoint[] = [];
  let acknowledged = 0;
  let firstError = '';
  try {
    const warm = await load(spec(10, p.publish.warmupSec));
    acknowledged += warm.ok;
    if (warm.ok === 0)
      throw new Error(`warm-up got no acknowledgement (${warm.failed} failed: ${warm.firstError})`);
    for (const c of p.publish.concurrency) {
      const list: PublishRun[] = [];
      for (let i = 0; i < Math.min(runs, p.publish.runs); i++) {
        const [s0, v0] = [cpuMs(server.child.pid), servicesCpuMs()];
        const r = await load(spec(c, p.publish.durationSec));
        const [s1, v1] = [cpuMs(server.child.pid), servicesCpuMs()];
        acknowledged += r.ok;
        firstError ||= r.firstError;
        const per = (ms: number) => (r.ok > 0 ? (Math.max(0, ms) * 1000) / r.ok : Number.NaN);
        const run: PublishRun = {
          msgsPerSec: r.ok / r.seconds,
          p50Ms: r.p50Ms,
          p99Ms: r.p99Ms,
          ok: r.ok,
          failed: r.failed,
          serverCpuUsPerMsg: per(s1 - s0),
          servicesCpuUsPerMsg: per(v1 - v0),
          clientCpuUsPerMsg: per(r.clientCpuMs),
        };
        list.push(run);
        log(
          `${target.id} c=${c}: ${Math.round(run.msgsPerSec)} msgs/s, p50 ${run.p50Ms.toFixed(1)} ms, p99 ${run.p99Ms.toFixed(1)} ms` +
            (run.failed ? `, ${run.failed} failed (${r.firstError})` : ''),
        );
      }
      const pick = (k: keyof PublishRun) => summarize(list.map((r) => r[k]));
      points.push({
        concurrency: c,
        runs: list,
        msgsPerSec: pick('msgsPerSec'),
        p50Ms: pick('p50Ms'),
        p99Ms: pick('p99Ms'),
        serverCpuUsPerMsg: pick('serverCpuUsPerMsg'),
        servicesCpuUsPerMsg: pick('servicesCpuUsPerMsg'),
        clientCpuUsPerMsg: pick('clientCpuUsPerMsg'),
      });
    }
    const stored = await storedCount(target, dep);
    log(`${target.id}: ${acknowledged} acknowledged, ${stored} stored`);
    return { mode, points, stored, acknowledged, ...(firstError ? { firstError } : {}) };
  } finally {
    await dep.stop();
  }
}

/** Writes the summary of the server's CPU profile (written on exit) to bench/results/publish-profile.md. */
function saveProfile(dir: string, readyMs: number, log: (m: string) => void): void {
  try {
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) {
      log('publish: the server wrote no CPU profile');
      return;
    }
    const raw = readFileSync(join(dir, file), 'utf8');
    // The full profile (for a flame graph in Chrome DevTools or speedscope) stays with the run's logs.
    writeFileSync(join(LOG_DIR, 'publish-paasport.cpuprofile'), raw);
    const profile = JSON.parse(raw) as Profile;
    const text =
      '# CPU profile of paasport during the publish scenario (WebSocket publish + ack)\n\n' +
      'Written by `npm run bench` from the V8 CPU profile of the server process (`--cpu-prof`), from the moment' +
      ` it was ready (${Math.round(readyMs)} ms after start; start-up is left out) to shutdown, in a deployment of its` +
      ' own after the measured windows: a warm-up at concurrency 10, then one window at concurrency 50. Self time per package or file and per function; `(idle)` is time the' +
      ' event loop waited (for PostgreSQL, Redis or the network). `(writev)` is wall time inside the write system' +
      ' call: on two cores shared with PostgreSQL and the load generator it includes the time the thread waits' +
      ' while the process its write woke runs, so it is larger than the system CPU time the process is charged.' +
      ' The full profile, for a flame graph in Chrome' +
      ' DevTools or speedscope, is `bench/results/tmp/publish-paasport.cpuprofile` (not committed).\n\n' +
      `${summarizeProfile(profile, 25, readyMs)}\n`;
    writeFileSync(join(ROOT, 'bench/results/publish-profile.md'), text);
    log('publish: server CPU profile summarised in bench/results/publish-profile.md');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
