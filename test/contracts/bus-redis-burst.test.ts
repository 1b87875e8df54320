// A burst of bus publishes on a busy event loop reaches Redis within a few loop turns. node-redis writes
// once per turn and stops at the socket's high-water mark, so at Node's default mark each ~13 KiB payload
// took a turn of its own: under load publishes queued client-side past their deadline and Redis was
// declared down while it idled.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bus } from '../../src/server/drivers/bus/index.js';
import { createRedisBus } from '../../src/server/drivers/bus/redis.js';
import { DependencyHealth } from '../../src/server/drivers/health.js';
import { silentLogger } from '../../src/server/logger.js';
import { REDIS_URL, uid } from '../helpers/services.js';

const COMMANDS = 128;
/** Each payload alone passes Node's default 16 KiB mark, so a capped write carries one command. */
const PAYLOAD_BYTES = 32 * 1024;
/** Work per loop turn, as a server under load spends between two socket reads. */
const TURN_WORK_MS = 5;
const MAX_TURNS = 2000;

/** Keeps the event loop busy, TURN_WORK_MS per turn, and counts the turns until stop() (or MAX_TURNS). */
function busyLoop(): { turns: () => number; stop: () => void } {
  let turns = 0;
  let stopped = false;
  const turn = () => {
    if (stopped || turns >= MAX_TURNS) return;
    turns++;
    const until = performance.now() + TURN_WORK_MS;
    while (performance.now() < until) {
      // Stands in for request handling: the loop is busy, not waiting.
    }
    setImmediate(turn);
  };
  setImmediate(turn);
  return {
    turns: () => turns,
    stop: () => {
      stopped = true;
    },
  };
}

describe('redis bus: a publish burst on a busy event loop', () => {
  const health = new DependencyHealth('redis', silentLogger());
  let bus: Bus;

  before(async () => {
    const opts = { url: REDIS_URL, keyPrefix: `burst-${uid()}:`, probeIntervalMs: 60_000 };
    bus = await createRedisBus(opts, silentLogger(), health);
    await bus.ping();
  });

  after(async () => {
    await bus.close();
  });

  it('is written in a few turns, not one turn per command, and Redis stays up', async () => {
    const topic = `burst-${uid()}`;
    const payload = 'x'.repeat(PAYLOAD_BYTES);
    const loop = busyLoop();
    const results = await Promise.allSettled(
      Array.from({ length: COMMANDS }, () => bus.publish(topic, payload)),
    );
    const turns = loop.turns();
    loop.stop();

    const failed = results.filter((r) => r.status === 'rejected');
    assert.deepEqual(failed, [], 'every publish is answered');
    assert.equal(health.up, true, 'a busy client does not declare a healthy Redis down');
    assert.equal(health.outages, 0);
    // Written one command per turn, the burst would need at least COMMANDS turns.
    assert.ok(turns < COMMANDS / 2, `${COMMANDS} publishes took ${turns} loop turns to be answered`);
  });
});
