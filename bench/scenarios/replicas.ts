// Scenario 6: fan-out with the subscribers spread over two replicas sharing Redis (publisher on the
// first), against all of them on one replica, for the targets that scale out (paasport, Socket.IO).
import type { Params } from '../lib/options.js';
import type { Target } from '../targets/server.js';
import { describeRound, type FanoutPoint, type RoundKind, summarizeRounds } from './fanout.js';
import { Rig, type Round } from './rig.js';

export type ReplicaPoint = FanoutPoint & { replicas: number };

export async function runReplicas(target: Target, p: Params, runs: number, log: (m: string) => void) {
  const out: ReplicaPoint[] = [];
  const n = p.replicas.subscribers;
  for (const replicas of [1, 2]) {
    const dep = await target.deploy({ replicas });
    const rig = await Rig.start(`replicas-${target.id}`);
    try {
      const channel = 'bench';
      for (let i = 0; i < replicas; i++) {
        const share = Math.floor(n / replicas) + (i === 0 ? n % replicas : 0);
        await rig.open(dep.servers[i]!.clientUrl, dep.protocol, channel, share);
      }
      const kinds: [RoundKind, number, number][] = [
        ['capacity', p.fanout.capacity.rate, Math.max(2, Math.round(p.fanout.capacity.deliveries / n))],
        ['steady', p.fanout.steady.rate, p.fanout.steady.messages],
      ];
      const round = (rate: number, messages: number) =>
        rig.round({
          servers: dep.servers,
          publishUrl: dep.servers[0]!.clientUrl,
          protocol: dep.protocol,
          channel,
          rate,
          messages,
          payloadBytes: p.fanout.payloadBytes,
          drainMs: p.fanout.drainMs,
        });
      await round(kinds[0]![1], kinds[0]![2]); // unrecorded warm-up, as in the fan-out scenario
      for (const [kind, rate, messages] of kinds) {
        const rounds: Round[] = [];
        for (let i = 0; i < runs; i++) {
          const r = await round(rate, messages);
          rounds.push(r);
          log(`${target.id} ${replicas} replica(s) ${kind} n=${n}: ${describeRound(r)}`);
        }
        out.push({ ...summarizeRounds(kind, n, rate, rounds), replicas });
      }
    } finally {
      await rig.stop();
      await dep.stop();
    }
  }
  return { subscribers: n, points: out };
}
