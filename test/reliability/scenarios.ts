// The fault scenarios, one row each: what is done to the cluster while the load runs, and which replicas
// readiness must report as unable to serve (`expectDown`) and when it must come back (`measureUp`). Every
// scenario ends with the fault undone; the runner then lets the load run on and checks the invariants.
import { createClient } from 'redis';
import { type Cluster, FAULTY } from './cluster.js';

export interface FaultContext {
  cluster: Cluster;
  sleep(ms: number): Promise<void>;
  /** Marks the start of a fault on some replicas; the returned function marks its end. */
  open(label: string, replicas: number[], expect: { down: boolean; up: boolean }): () => void;
}

export interface Scenario {
  name: string;
  /** What happens, for the report. */
  fault: string;
  run(ctx: FaultContext): Promise<void>;
}

const ALL = [0, 1, 2];
const OUTAGE = { down: true, up: true };
/** A process going away: readiness must drop; coming back is startup time, not a readiness lag. */
const PROCESS = { down: true, up: false };

/** Starting a process: it says whatever is true while it boots, no expectation either way. */
async function restart(ctx: FaultContext, i: number): Promise<void> {
  const end = ctx.open('starting', [i], { down: false, up: false });
  await ctx.cluster.startReplica(i);
  end();
}

async function redisCommand(url: string, args: string[]): Promise<void> {
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  await client.sendCommand(args);
  await client.close();
}

async function pauseRedis(ctx: FaultContext, ms: number): Promise<void> {
  const end = ctx.open(`Redis paused ${ms / 1000} s`, ALL, OUTAGE);
  ctx.cluster.redis.pause();
  await ctx.sleep(ms);
  ctx.cluster.redis.resume();
  end();
}

/**
 * Slow first (150 ms each way, still usable), then nothing moves for 10 s. A partition either heals (held
 * bytes arrive late: statements commit after their client gave up) or ends in resets, as when the kernel
 * gives up on the connections (every client must reconnect and resubscribe).
 */
async function partition(ctx: FaultContext, what: 'redis' | 'pg', ending: 'heal' | 'reset'): Promise<void> {
  const proxy = what === 'redis' ? ctx.cluster.redisProxy : ctx.cluster.pgProxy;
  const name = what === 'redis' ? 'Redis' : 'PostgreSQL';
  let end = ctx.open(`${name} 150 ms away`, [FAULTY], { down: false, up: false });
  proxy.delay(150);
  await ctx.sleep(4000);
  end();
  end = ctx.open(`${name} partitioned`, [FAULTY], OUTAGE);
  proxy.stall();
  await ctx.sleep(10_000);
  if (ending === 'reset') proxy.cut();
  proxy.heal();
  end();
}

export const SCENARIOS: Scenario[] = [
  { name: 'no-fault', fault: 'none', run: (ctx) => ctx.sleep(10_000) },
  {
    name: 'rolling-sigterm',
    fault: 'SIGTERM each replica in turn, restart it, wait until ready (a rolling deploy)',
    async run(ctx) {
      for (const i of ALL) {
        const end = ctx.open('SIGTERM', [i], PROCESS);
        await ctx.cluster.stopReplica(i, 'SIGTERM');
        end();
        await restart(ctx, i);
        await ctx.sleep(1500);
      }
    },
  },
  {
    name: 'sigkill',
    fault: 'SIGKILL replica 1, restart it 5 s later',
    async run(ctx) {
      const end = ctx.open('SIGKILL', [1], PROCESS);
      await ctx.cluster.stopReplica(1, 'SIGKILL');
      await ctx.sleep(5000);
      end();
      await restart(ctx, 1);
    },
  },
  {
    name: 'redis-restart',
    fault: 'kill redis-server, start it again 3 s later (empty: no persistence)',
    async run(ctx) {
      const end = ctx.open('Redis restart', ALL, OUTAGE);
      await ctx.cluster.redis.kill();
      await ctx.sleep(3000);
      // The outage ends when the start is issued: it may listen before start() has noticed.
      end();
      await ctx.cluster.redis.start();
    },
  },
  { name: 'redis-pause-5s', fault: 'SIGSTOP redis-server for 5 s', run: (ctx) => pauseRedis(ctx, 5000) },
  { name: 'redis-pause-20s', fault: 'SIGSTOP redis-server for 20 s', run: (ctx) => pauseRedis(ctx, 20_000) },
  {
    name: 'redis-pubsub-kill',
    fault: '`CLIENT KILL TYPE pubsub` twice, 4 s apart',
    async run(ctx) {
      // Redis stays up: readiness may blink while subscribers reconnect but is not required to drop.
      const end = ctx.open('pub/sub connections killed', ALL, { down: false, up: false });
      for (let k = 0; k < 2; k++) {
        await redisCommand(ctx.cluster.redis.url, ['CLIENT', 'KILL', 'TYPE', 'pubsub']);
        await ctx.sleep(4000);
      }
      end();
    },
  },
  {
    name: 'pg-restart',
    fault: '`pg_ctl restart -m fast` (every session closed, back within about a second)',
    async run(ctx) {
      const end = ctx.open('PostgreSQL restart', ALL, OUTAGE);
      await ctx.cluster.pg.restart();
      end();
    },
  },
  {
    name: 'pg-stop-10s',
    fault: '`pg_ctl stop -m fast`, start again 10 s later',
    async run(ctx) {
      const end = ctx.open('PostgreSQL stopped', ALL, OUTAGE);
      await ctx.cluster.pg.stop();
      await ctx.sleep(10_000);
      // The outage ends when the start is issued: PostgreSQL accepts before pg_ctl's wait loop notices.
      end();
      await ctx.cluster.pg.start();
    },
  },
  {
    name: 'partition-redis',
    fault: `replica ${FAULTY}'s Redis traffic delayed 150 ms for 4 s, stalled 10 s, then its connections reset`,
    run: (ctx) => partition(ctx, 'redis', 'reset'),
  },
  {
    name: 'partition-pg',
    fault: `replica ${FAULTY}'s PostgreSQL traffic delayed 150 ms for 4 s, stalled 10 s, then healed (held bytes go through)`,
    run: (ctx) => partition(ctx, 'pg', 'heal'),
  },
  {
    name: 'frozen-replica',
    fault: 'SIGSTOP replica 1 for 10 s, then SIGCONT',
    async run(ctx) {
      const end = ctx.open('frozen', [1], OUTAGE);
      ctx.cluster.freeze(1);
      await ctx.sleep(10_000);
      ctx.cluster.thaw(1);
      end();
    },
  },
];
