// Command-line options of `npm run bench` and the scenario parameters they select (full or --quick).

export const SCENARIOS = [
  'fanout',
  'memory',
  'publish',
  'counts',
  'recovery',
  'replicas',
  'startup',
] as const;
export type ScenarioId = (typeof SCENARIOS)[number];

export type Options = {
  quick: boolean;
  scenarios: ScenarioId[];
  /** Target ids to run; empty means all. */
  targets: string[];
  runs: number;
  build: boolean;
  doc: boolean;
  argv: string[];
};

export const USAGE = `usage: npm run bench -- [--quick] [--only=${SCENARIOS.join(',')}] [--targets=ids] [--runs=N]
                       [--no-build] [--no-doc]
  --quick      small sizes and short windows (smoke run, about a minute); also BENCH_QUICK=1
  --only       scenarios to run (default: all)
  --targets    e.g. paasport,paasport-batch,paasport-ws,ws-naive,ws-batched,socketio-redis,express-pg,
               naive-http,centrifugo-redis,centrifugo-pg (default: all; Centrifugo is built on first use)
  --runs       repetitions behind every median (default 2, quick 1)
  --no-build   use the existing dist/ instead of running npm run build
  --no-doc     do not regenerate docs/benchmarks.md`;

export function parseOptions(argv: string[]): Options {
  const opts: Options = {
    quick: process.env.BENCH_QUICK === '1',
    scenarios: [...SCENARIOS],
    targets: [],
    runs: 0,
    build: true,
    doc: true,
    argv,
  };
  for (const arg of argv) {
    const [key, value = ''] = arg.split('=', 2) as [string, string?];
    if (key === '--quick') opts.quick = true;
    else if (key === '--only') {
      const picked = value.split(',').filter(Boolean);
      const unknown = picked.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
      if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}\n${USAGE}`);
      opts.scenarios = picked as ScenarioId[];
    } else if (key === '--targets') opts.targets = value.split(',').filter(Boolean);
    else if (key === '--runs') opts.runs = Math.max(1, Math.min(10, Number(value) || 1));
    else if (key === '--no-build') opts.build = false;
    else if (key === '--no-doc') opts.doc = false;
    else if (key === '--help' || key === '-h') throw new Error(USAGE);
    else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  if (opts.runs === 0) opts.runs = opts.quick ? 1 : 2;
  return opts;
}

/** Sizes and durations per scenario; every loop in the harness is bounded by these. */
export function params(quick: boolean) {
  return {
    fanout: {
      sizes: quick ? [200, 1000] : [1000, 5000, 10000],
      /** Publishing faster than any server delivers; the message count bounds the work per round. */
      capacity: { deliveries: quick ? 20_000 : 60_000, rate: 1000 },
      /** A steady low rate at every size, for latency without saturation. */
      steady: { rate: 10, messages: 10 },
      /** The goal point of the issue: 5k subscribers, 100 msgs/s for one second. */
      goal: { subscribers: quick ? 1000 : 5000, rate: 100, messages: 100 },
      payloadBytes: 100,
      drainMs: 30_000,
    },
    // One sample per target: a second needs a fresh server and 10k connections again, which doubled the
    // fan-out scenario and pushed the suite past its 10 minutes.
    memory: { connections: quick ? 1000 : 10000, sessions: 1 },
    publish: {
      concurrency: quick ? [10, 50] : [10, 50, 200],
      durationSec: quick ? 2 : 3,
      warmupSec: 1,
      /** Windows per concurrency (at most --runs): seven targets must fit the suite's time budget. */
      runs: 1,
    },
    counts: { sizes: quick ? [100_000] : [1_000_000, 10_000_000], requests: quick ? 200 : 300 },
    recovery: { missed: 1000 },
    replicas: { subscribers: quick ? 1000 : 5000, rate: 100, durationMs: quick ? 1000 : 2000 },
    startup: { coldRuns: 2 },
  };
}

export type Params = ReturnType<typeof params>;
