// Runs one scenario end to end: heals the cluster, starts subscribers (through nginx and on each replica),
// the readiness watch and the publisher, injects the fault, lets the load run on after it is undone, waits
// (bounded) for subscribers to catch up, then computes the invariants and names every one that failed.
import type { Cluster } from './cluster.js';
import { computeFigures, type Figures, readStore } from './invariants.js';
import { httpLane, type Lane, wsLane } from './publish-lanes.js';
import { LoadPublisher } from './publisher.js';
import { seeded } from './random.js';
import {
  type FaultWindow,
  judgeReadiness,
  type ReadinessVerdict,
  ReadinessWatch,
} from './readiness-watch.js';
import type { FaultContext, Scenario } from './scenarios.js';
import { LoadSubscriber } from './subscriber.js';

export const LOAD = {
  channels: 3,
  messagesPerSecond: 60,
  subscribers: 30,
  /** Of every 5 subscribers, 2 connect through nginx, 3 straight to a replica. */
  warmupMs: 3000,
  tailMs: 4000,
  catchUpMs: 30_000,
};

export interface ScenarioResult {
  name: string;
  fault: string;
  seed: number;
  durationS: number;
  figures: Figures;
  readiness: ReadinessVerdict;
  closes: Record<string, number>;
  /** nginx's error log during the scenario, by message. */
  proxyErrors: Record<string, number>;
  failures: string[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const ws = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');

export async function runScenario(
  cluster: Cluster,
  scenario: Scenario,
  tokens: string[],
  seed: number,
): Promise<ScenarioResult> {
  const random = seeded(seed);
  const started = Date.now();
  await cluster.heal();
  const proxyLogFrom = cluster.nginx.errors().length;
  const channels = Array.from({ length: LOAD.channels }, (_, k) => `rel-${scenario.name}-${seed}-${k}`);
  const entry = (i: number) => (i % 5 < 2 ? cluster.nginx.url : cluster.replica(i % 3).url);
  const subs = tokens.slice(0, LOAD.subscribers).map((token, i) => {
    const url = `${ws(entry(i))}/v1/ws?token=${encodeURIComponent(token)}`;
    return new LoadSubscriber(`sub-${i}${i % 5 < 2 ? '@nginx' : `@r${i % 3}`}`, url, channels, random);
  });
  for (const s of subs) s.start();
  const watch = new ReadinessWatch(cluster.replicas.map((r) => r.url));
  const waitOpen = Date.now() + 15_000;
  while (subs.some((s) => !s.open) && Date.now() < waitOpen) await sleep(100);

  const key = cluster.secrets.apiKey;
  const lanes: Lane[] = [
    httpLane('http nginx', cluster.nginx.url, key),
    ...cluster.replicas.map((r) => httpLane(`http r${r.index}`, r.url, key)),
    wsLane('ws nginx', `${ws(cluster.nginx.url)}/v1/ws`, key),
    wsLane('ws r2', `${ws(cluster.replica(2).url)}/v1/ws`, key),
  ];
  const lanesBy = Date.now() + 10_000;
  while (lanes.some((l) => !l.connected()) && Date.now() < lanesBy) await sleep(50);
  const publisher = new LoadPublisher(
    lanes,
    channels,
    `${scenario.name}-${seed}`,
    LOAD.messagesPerSecond,
    random,
  );
  publisher.start();
  await sleep(LOAD.warmupMs);

  const faults: FaultWindow[] = [];
  const failures: string[] = [];
  const ctx: FaultContext = {
    cluster,
    sleep,
    open(label, replicas, expect) {
      const w = {
        label,
        replicas,
        start: Date.now(),
        end: Number.POSITIVE_INFINITY,
        expectDown: expect.down,
        measureUp: expect.up,
      };
      faults.push(w);
      return () => {
        w.end = Date.now();
      };
    },
  };
  await scenario.run(ctx).catch((err: Error) => failures.push(`the fault script failed: ${err.message}`));
  for (const w of faults) if (w.end === Number.POSITIVE_INFINITY) w.end = Date.now();
  await cluster.heal();
  await sleep(LOAD.tailMs);
  await publisher.stop();

  let store = await readStore(cluster.db, channels);
  const deadline = Date.now() + LOAD.catchUpMs;
  while (subs.some((s) => !s.caughtUp(store.lastOffsets)) && Date.now() < deadline) {
    await sleep(250);
    store = await readStore(cluster.db, channels);
  }
  for (const s of subs) s.stop();
  await watch.stop();

  const figures = computeFigures(store, publisher, subs);
  const proxyErrors: Record<string, number> = {};
  for (const line of cluster.nginx.errors().slice(proxyLogFrom).split('\n')) {
    const what = /\*\d+ (.+?) while /.exec(line)?.[1];
    if (what) proxyErrors[what] = (proxyErrors[what] ?? 0) + 1;
  }
  const readiness = judgeReadiness(watch.samples, faults, started);
  const closes: Record<string, number> = {};
  for (const s of subs)
    for (const [code, n] of Object.entries(s.stats.closes)) closes[code] = (closes[code] ?? 0) + n;
  const expectZero: [string, number][] = [
    ['acknowledged ids lost or moved', figures.lost],
    ['ids stored or acknowledged twice', figures.duplicates],
    ['offset holes in PostgreSQL', figures.holes],
    ['offsets a subscriber silently missed', figures.silentHoles],
    ['offsets a subscriber got twice', figures.subscriberDuplicates],
    ['offsets a subscriber got out of order', figures.outOfOrder],
    ['errors that do not invite a retry', figures.nonRetryable],
    ['errors without the documented retry hint', figures.missingRetryHint],
    ['ids never acknowledged despite retries', figures.unresolved],
  ];
  for (const [what, n] of expectZero) if (n > 0) failures.push(`${n} ${what}`);
  failures.push(...figures.anomalies.slice(0, 10), ...readiness.violations);
  return {
    name: scenario.name,
    fault: scenario.fault,
    seed,
    durationS: Math.round((Date.now() - started) / 100) / 10,
    figures,
    readiness,
    closes,
    proxyErrors,
    failures,
  };
}
