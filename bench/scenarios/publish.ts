// Scenario 3: persisted publish over HTTP at several concurrencies, driven by autocannon in its own
// process. Every 2xx must mean a committed row, so the stored count is checked against the 2xx count.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { servicesCpuMs } from '../lib/machine.js';
import type { Params } from '../lib/options.js';
import { withClient } from '../lib/pg.js';
import { cpuMs, ROOT } from '../lib/proc.js';
import { type Summary, summarize } from '../lib/stats.js';
import type { Deployment, Target } from '../targets/server.js';

const AUTOCANNON = join(ROOT, 'node_modules/autocannon/autocannon.js');

type CannonJson = {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  '2xx': number;
};

export type PublishRun = {
  msgsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  failed: number;
  serverCpuUsPerMsg: number;
  servicesCpuUsPerMsg: number;
};

export type PublishPoint = {
  concurrency: number;
  runs: PublishRun[];
  msgsPerSec: Summary;
  p50Ms: Summary;
  p99Ms: Summary;
  serverCpuUsPerMsg: Summary;
  servicesCpuUsPerMsg: Summary;
};

export type PublishResult = { points: PublishPoint[]; stored: number; acknowledged: number };

async function cannon(
  url: string,
  apiKey: string,
  connections: number,
  seconds: number,
): Promise<CannonJson> {
  const body = JSON.stringify({ data: { kind: 'bench', text: 'x'.repeat(100) } });
  const args = [AUTOCANNON, '-c', String(connections), '-d', String(seconds), '-m', 'POST', '-b', body];
  args.push('-H', 'content-type=application/json', '--json');
  if (apiKey) args.push('-H', `authorization=Bearer ${apiKey}`);
  const { stdout } = await promisify(execFile)(process.execPath, [...args, url], {
    maxBuffer: 16 << 20,
    timeout: (seconds + 30) * 1000,
  });
  return JSON.parse(stdout) as CannonJson;
}

/** Stored rows of the channel: paasport's channel info, or COUNT(*) on the peer's own table. */
async function storedCount(dep: Deployment, channel: string): Promise<number> {
  if (dep.apiKey) {
    const res = await fetch(`${dep.servers[0]!.httpUrl}/v1/channels/${channel}`, {
      headers: { authorization: `Bearer ${dep.apiKey}` },
    });
    return Number(((await res.json()) as { count?: number }).count);
  }
  return withClient(dep.databaseUrl!, async (c) => {
    const { rows } = await c.query('SELECT count(*)::bigint AS n FROM peer_messages WHERE channel = $1', [
      channel,
    ]);
    return Number(rows[0].n);
  });
}

export async function runPublish(
  target: Target,
  p: Params,
  runs: number,
  log: (m: string) => void,
): Promise<PublishResult> {
  const dep = await target.deploy({ replicas: 1 });
  const server = dep.servers[0]!;
  const channel = 'bench-publish';
  const url = `${server.httpUrl}/v1/channels/${channel}/messages`;
  const points: PublishPoint[] = [];
  let acknowledged = 0;
  try {
    const warm = await cannon(url, dep.apiKey, 10, p.publish.warmupSec);
    acknowledged += warm['2xx'];
    if (warm['2xx'] === 0)
      throw new Error(`warm-up got no 2xx (${warm.non2xx} non-2xx, ${warm.errors} errors)`);
    for (const c of p.publish.concurrency) {
      const list: PublishRun[] = [];
      for (let i = 0; i < runs; i++) {
        const [s0, v0] = [cpuMs(server.child.pid), servicesCpuMs()];
        const r = await cannon(url, dep.apiKey, c, p.publish.durationSec);
        const [s1, v1] = [cpuMs(server.child.pid), servicesCpuMs()];
        const ok = r['2xx'];
        acknowledged += ok;
        const per = (ms: number) => (ok > 0 ? (Math.max(0, ms) * 1000) / ok : Number.NaN);
        const run: PublishRun = {
          msgsPerSec: ok / p.publish.durationSec,
          p50Ms: r.latency.p50,
          p99Ms: r.latency.p99,
          ok,
          failed: r.non2xx + r.errors + r.timeouts,
          serverCpuUsPerMsg: per(s1 - s0),
          servicesCpuUsPerMsg: per(v1 - v0),
        };
        list.push(run);
        log(
          `${target.id} c=${c}: ${Math.round(run.msgsPerSec)} msgs/s, p50 ${run.p50Ms} ms, p99 ${run.p99Ms} ms` +
            (run.failed ? `, ${run.failed} failed` : ''),
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
      });
    }
    const stored = await storedCount(dep, channel);
    log(`${target.id}: ${acknowledged} acknowledged, ${stored} stored`);
    return { points, stored, acknowledged };
  } finally {
    await dep.stop();
  }
}
