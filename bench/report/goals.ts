// The goals, each judged from the recorded results: met, not met, or not measured (with why).
import { loadResult, type TargetResult } from '../lib/results.js';
import type { Summary } from '../lib/stats.js';
import type { CountPoint, CountsResult } from '../scenarios/counts.js';
import type { FanoutPoint, MemoryResult } from '../scenarios/fanout.js';
import type { PublishResult } from '../scenarios/publish.js';
import { sameRun, table } from './format.js';
import { fmt } from './svg.js';

type Verdict = [goal: string, measured: string, verdict: string];

const notMeasured = (e: TargetResult<unknown> | undefined, what: string) =>
  e && e.status !== 'ok' ? `not measured: paasport ${e.status} (${e.reason})` : `not measured: ${what}`;
const yes = (ok: boolean) => (ok ? '**met**' : '**not met**');

function fanoutGoals(): Verdict[] {
  const res = loadResult<{ points: FanoutPoint[] }>('fanout');
  const t = res?.targets ?? {};
  const at = (id: string, kind: string) =>
    t[id]?.data?.points.find((p) => p.kind === kind && p.subscribers === 5000);
  const pp = at('paasport', 'capacity');
  const naive = at('ws-naive', 'capacity');
  const sio = at('socketio-redis', 'capacity');
  const g1 = 'Fan-out deliveries/s at 5k subscribers ≥ bare ws (naive) and ≥ 3x Socket.IO + Redis adapter';
  let v1: Verdict = [
    g1,
    notMeasured(t.paasport, 'no 5k-subscriber fan-out result (run the full suite)'),
    '–',
  ];
  if (pp && naive && sio && sameRun(t.paasport, t['ws-naive'], t['socketio-redis'])) {
    const a = pp.deliveriesPerSec.median / naive.deliveriesPerSec.median;
    const b = pp.deliveriesPerSec.median / sio.deliveriesPerSec.median;
    v1 = [
      g1,
      `${fmt(pp.deliveriesPerSec.median)}/s = ${a.toFixed(2)}x naive ws, ${b.toFixed(2)}x Socket.IO`,
      yes(a >= 1 && b >= 3),
    ];
  }
  const goal = at('paasport', 'goal');
  const g2 = 'p99 publish-to-receive < 50 ms at 5k subscribers and 100 msgs/s';
  const v2: Verdict = goal
    ? [
        g2,
        `p99 ${fmt(goal.p99Ms.median)} ms (delivered ${(goal.deliveredRatio.median * 100).toFixed(1)}%)`,
        yes(goal.p99Ms.median < 50 && goal.deliveredRatio.median === 1),
      ]
    : [g2, notMeasured(t.paasport, 'no goal-point result'), '–'];
  return [v1, v2];
}

function memoryGoal(): Verdict {
  const res = loadResult<MemoryResult>('memory');
  const e = res?.targets.paasport;
  const g = 'RSS per idle subscribed connection ≤ 10 KB at 10k connections';
  const d = e?.data;
  if (!d || d.connections < 10_000) return [g, notMeasured(e, 'no 10k-connection memory result'), '–'];
  return [
    g,
    `${fmt(d.rssPerConnKB.median)} KB (heap ${fmt(d.heapPerConnKB.median)} KB)`,
    yes(d.rssPerConnKB.median <= 10),
  ];
}

function publishGoal(): Verdict {
  const all = loadResult<PublishResult>('publish')?.targets;
  const g =
    '≥ 10,000 persisted publishes/s at concurrency 50 with p99 < 50 ms, ≥ 3x the naive floor, ≥ 2x Centrifugo (PostgreSQL broker)';
  const at50 = (id: string) => all?.[id]?.data?.points.find((p) => p.concurrency === 50);
  // paasport's ways of publishing at concurrency 50 (one message per request, batches or WebSocket): the
  // goal is met by any that meets all of it; otherwise the fastest is shown.
  const own = ['paasport', 'paasport-batch', 'paasport-ws']
    .map((id) => ({ id, pt: at50(id) }))
    .filter((x): x is { id: string; pt: NonNullable<typeof x.pt> } => x.pt !== undefined);
  if (own.length === 0) return [g, notMeasured(all?.paasport, 'no concurrency-50 result'), '–'];
  const naive = at50('naive-http')?.msgsPerSec.median;
  const cf = at50('centrifugo-pg')?.msgsPerSec.median;
  const meets = (pt: (typeof own)[number]['pt']) => {
    const rate = pt.msgsPerSec.median;
    return (
      rate >= 10_000 &&
      pt.p99Ms.median < 50 &&
      naive !== undefined &&
      rate >= 3 * naive &&
      cf !== undefined &&
      rate >= 2 * cf
    );
  };
  const describe = ({ id, pt }: (typeof own)[number]) => {
    const rate = pt.msgsPerSec.median;
    const x = (peer: number | undefined) => (peer ? `${(rate / peer).toFixed(2)}x` : 'not measured');
    return `${all?.[id]?.label}: ${fmt(rate)} msgs/s, p99 ${fmt(pt.p99Ms.median)} ms, ${x(naive)} the naive floor, ${x(cf)} Centrifugo (PostgreSQL)`;
  };
  // Every way is listed: the fastest one may miss the latency that another meets.
  return [g, own.map(describe).join('; '), yes(own.some((x) => meets(x.pt)))];
}

function countGoal(): Verdict {
  const e = loadResult<{ points: CountPoint[] }>('counts')?.targets.paasport;
  const pt = e?.data?.points.find((p) => p.messages === 10_000_000);
  const g = 'Count p99 < 2 ms at 10M stored messages';
  if (!pt) return [g, notMeasured(e, 'no 10M-message result'), '–'];
  const c: Summary = pt.channel.p99Ms;
  return [
    g,
    `channel count p99 ${fmt(c.median)} ms; time-window count p99 ${fmt(pt.window.p99Ms.median)} ms`,
    yes(c.median < 2),
  ];
}

function generatorGoal(): Verdict {
  const e = loadResult<{ generator?: { ms: Summary } }>('startup')?.targets.paasport;
  const g = 'Generator under 500 ms cold for all targets';
  const ms = e?.data?.generator?.ms;
  if (!ms) return [g, notMeasured(e, 'no generator result'), '–'];
  return [g, `${fmt(ms.median)} ms (max ${fmt(ms.max)} ms)`, yes(ms.max < 500)];
}

export function goalsSection(): string {
  const rows = [...fanoutGoals(), memoryGoal(), publishGoal(), countGoal(), generatorGoal()];
  return `${table(['Goal (issue 6)', 'Measured (paasport, median)', 'Verdict'], rows)}\n${missedGoalNotes()}`;
}

/** For each missed goal with data, what the same run says about the cause (all numbers from results). */
export function missedGoalNotes(): string {
  const notes: string[] = [];
  const fan = loadResult<{ points: FanoutPoint[] }>('fanout')?.targets;
  const goalOf = (id: string) => fan?.[id]?.data?.points.find((p) => p.kind === 'goal');
  const pg = goalOf('paasport');
  const wb = goalOf('ws-batched');
  if (pg && pg.p99Ms.median >= 50) {
    const offered = pg.subscribers * pg.rate;
    const load = pg.loadCpuUsPerDelivery.median;
    notes.push(
      `- **p99 at the goal point.** paasport's p99 is ${fmt(pg.p99Ms.median)} ms at ${fmt(offered)} deliveries/s offered.` +
        (wb && sameRun(fan?.paasport, fan?.['ws-batched'])
          ? ` In the same run the bare \`ws\` server that frames once and corks (no database, no Redis) has p99 ${fmt(wb.p99Ms.median)} ms at the same point,`
          : '') +
        ` and the load generator spends ${fmt(load)} µs of CPU per delivery against the server's ${fmt(pg.serverCpuUsPerDelivery.median)} µs:` +
        ` receiving ${fmt(offered)} deliveries/s would take the generator about ${fmt((load * offered) / 1e6)} CPU-seconds per second,` +
        " on two cores it shares with the server, PostgreSQL and Redis. The latency is queueing on this box's client side;" +
        ' the goal can only be judged with the subscribers on another machine.',
    );
  }
  const pub = loadResult<PublishResult>('publish')?.targets;
  const pp = pub?.['paasport-ws']?.data?.points.find((p) => p.concurrency === 50);
  const one = pub?.paasport?.data?.points.find((p) => p.concurrency === 50);
  if (pp && one && (pp.msgsPerSec.median < 10_000 || pp.p99Ms.median >= 50)) {
    notes.push(
      `- **Persisted publish.** At concurrency 50 paasport commits ${fmt(pp.msgsPerSec.median)} msgs/s over WebSocket` +
        ` (p99 ${fmt(pp.p99Ms.median)} ms) and ${fmt(one.msgsPerSec.median)} msgs/s one message per HTTP request.` +
        ` The server process uses ${fmt(pp.serverCpuUsPerMsg.median)} µs of CPU per message over WebSocket` +
        ` (${fmt(one.serverCpuUsPerMsg.median)} µs over HTTP), PostgreSQL and Redis ${fmt(pp.servicesCpuUsPerMsg.median)} µs` +
        ` and the load generator ${fmt(pp.clientCpuUsPerMsg.median)} µs, all on the same two cores shared with other work;` +
        ' where the server spends it is in `bench/results/publish-profile.md`. Each message costs the machine' +
        ` about ${fmt(pp.serverCpuUsPerMsg.median + pp.servicesCpuUsPerMsg.median + pp.clientCpuUsPerMsg.median)} µs of CPU in these three processes alone,` +
        ` so two cores hold at most about ${fmt(2e6 / (pp.serverCpuUsPerMsg.median + pp.servicesCpuUsPerMsg.median + pp.clientCpuUsPerMsg.median))} msgs/s before the kernel's loopback work;` +
        ' with 50 in flight the rate is also bounded by 50 ÷ the round trip of a publish (at most two statements in flight).',
    );
  }
  const counts = loadResult<CountsResult>('counts')?.targets.paasport?.data;
  const c10 = counts?.points.find((p) => p.messages === 10_000_000);
  if (c10 && c10.channel.p99Ms.median >= 2 && counts?.floor) {
    notes.push(
      `- **Count p99.** At 10M messages the channel count has p50 ${fmt(c10.channel.p50Ms.median)} ms and p99 ${fmt(c10.channel.p99Ms.median)} ms;` +
        ` \`GET /healthz\` on the same server, which touches no database, has p50 ${fmt(counts.floor.p50Ms.median)} ms and p99 ${fmt(counts.floor.p99Ms.median)} ms.` +
        ' The count itself is one primary-key read of the counter kept on publish (plus the presence count from Redis), so the tail is the HTTP round trip' +
        ' and event-loop jitter of a shared two-core box, not the stored message count (compare the 1M row).',
    );
  }
  return notes.length
    ? `\nWhy the missed goals are missed, from the same results:\n\n${notes.join('\n')}\n`
    : '';
}
