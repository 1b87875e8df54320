// Redis shared state on its own connection. A window counter is a key with INCR and PEXPIRE NX; an
// expiring set is a sorted set (member -> expiry time) plus a hash (member -> value), whose keys outlive
// their longest-lived member by twice its TTL, so that sets nobody refreshes vanish on their own.
import type { RedisClientType } from 'redis';
import type { Logger } from '../../logger.js';
import { withTimeout } from '../../util/timeout.js';
import { redisClient } from '../redis-client.js';
import type { SetEntry, SharedState } from './shared-state.js';

export interface RedisSharedStateOptions {
  url: string;
  /** Prepended to every key, so that several deployments can share one Redis. */
  keyPrefix: string;
}

const PING_TIMEOUT_MS = 1000;
const KEY_TTL_FACTOR = 3;

type Multi = ReturnType<RedisClientType['multi']>;

/** Extends the life of a set's keys, never shortening it: NX gives a new key one, GT only lengthens. */
function keepKeys(multi: Multi, keys: string[], ttlMs: number): Multi {
  for (const k of keys)
    multi.pExpire(k, ttlMs * KEY_TTL_FACTOR, 'NX').pExpire(k, ttlMs * KEY_TTL_FACTOR, 'GT');
  return multi;
}

export async function createRedisSharedState(
  opts: RedisSharedStateOptions,
  log: Logger,
): Promise<SharedState> {
  const redis = redisClient(opts.url);
  let down = false;
  // One line per outage, not one per reconnect attempt.
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log.warn({ err: err.message }, 'shared state: redis connection error');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    log.info('shared state: redis reconnected');
  });
  await redis.connect();
  return redisSharedState(redis, opts.keyPrefix);
}

function redisSharedState(redis: RedisClientType, prefix: string): SharedState {
  const zkey = (set: string) => `${prefix}${set}`;
  const hkey = (set: string) => `${prefix}${set}:m`;
  const values = async (set: string, members: string[]): Promise<(string | null)[]> =>
    members.length === 0
      ? []
      : (await redis.hmGet(hkey(set), members)).map((v) => (v == null ? null : String(v)));

  return {
    driver: 'redis',
    async increment(key, windowMs) {
      const k = `${prefix}${key}`;
      // NX: the first increment of a window starts its clock; later ones only count.
      const [count, , ttl] = await redis.multi().incr(k).pExpire(k, windowMs, 'NX').pTTL(k).exec();
      return { count: Number(count), ttlMs: Number(ttl) };
    },
    async addMember(set, member, value, ttlMs) {
      const multi = redis
        .multi()
        .zAdd(zkey(set), { score: Date.now() + ttlMs, value: member })
        .hSet(hkey(set), member, value);
      await keepKeys(multi, [zkey(set), hkey(set)], ttlMs).exec();
    },
    async removeMember(set, member) {
      const [removed] = await redis.multi().zRem(zkey(set), member).hDel(hkey(set), member).exec();
      return Number(removed) > 0;
    },
    async liveMembers(set) {
      const live = await redis.zRangeByScore(zkey(set), `(${Date.now()}`, '+inf');
      const raw = await values(set, live);
      return live.flatMap((member, i) => (raw[i] == null ? [] : [{ member, value: raw[i] }]));
    },
    async countLive(set) {
      return redis.zCount(zkey(set), `(${Date.now()}`, '+inf');
    },
    async refreshMembers(members, ttlMs) {
      const score = Date.now() + ttlMs;
      const multi = redis.multi();
      let queued = false;
      for (const [set, names] of members) {
        if (names.length === 0) continue;
        queued = true;
        // XX: only members still present; one taken as expired meanwhile stays gone.
        multi.zAdd(
          zkey(set),
          names.map((value) => ({ score, value })),
          { condition: 'XX' },
        );
        keepKeys(multi, [zkey(set), hkey(set)], ttlMs);
      }
      if (queued) await multi.execAsPipeline();
    },
    async takeExpired(set) {
      const z = zkey(set);
      const stale = await redis.zRangeByScore(z, '-inf', Date.now());
      if (stale.length === 0) return [];
      const raw = await values(set, stale);
      // ZREM answers 1 to exactly one caller per member, whichever replica it runs on.
      const removed = await Promise.all(stale.map((member) => redis.zRem(z, member)));
      const taken: SetEntry[] = [];
      stale.forEach((member, i) => {
        if (Number(removed[i]) > 0) taken.push({ member, value: raw[i] ?? '' });
      });
      if (taken.length > 0)
        await redis.hDel(
          hkey(set),
          taken.map((e) => e.member),
        );
      return taken;
    },
    async ping() {
      await withTimeout(redis.ping(), PING_TIMEOUT_MS, 'redis ping');
    },
    async close() {
      await redis.close();
    },
  };
}
