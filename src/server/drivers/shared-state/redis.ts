// Redis shared state on its own connection (deadline per command, fail-fast while Redis is out: see
// redis-client.ts). A window counter is a key with INCR and PEXPIRE NX; an expiring set is a sorted set
// (member -> expiry) plus a hash (member -> value), whose keys outlive their longest-lived member by twice its TTL.
import type { RedisClientType } from 'redis';
import type { Logger } from '../../logger.js';
import { DependencyHealth } from '../health.js';
import { RedisConnection } from '../redis-client.js';
import type { SetEntry, SharedState } from './shared-state.js';

export interface RedisSharedStateOptions {
  url: string;
  /** Prepended to every key, so that several deployments can share one Redis. */
  keyPrefix: string;
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
}

const KEY_TTL_FACTOR = 3;

type Multi = ReturnType<RedisClientType['multi']>;

/** Extends the life of a set's keys, never shortening it: NX gives a new key one, GT only lengthens. */
function keepKeys(multi: Multi, keys: string[], ttlMs: number): Multi {
  for (const k of keys)
    multi.pExpire(k, ttlMs * KEY_TTL_FACTOR, 'NX').pExpire(k, ttlMs * KEY_TTL_FACTOR, 'GT');
  return multi;
}

/** Never waits on Redis past its connect timeout: until it connects, every operation rejects at once. */
export async function createRedisSharedState(
  opts: RedisSharedStateOptions,
  log: Logger,
  health = new DependencyHealth('redis', log),
): Promise<SharedState> {
  const conn = new RedisConnection({ ...opts, name: 'shared-state', health, log });
  await conn.started();
  return redisSharedState(conn, opts.keyPrefix);
}

/** Each method is one deadline-bound round trip (takeExpired: a few), through conn.run. */
function redisSharedState(conn: RedisConnection, prefix: string): SharedState {
  const zkey = (set: string) => `${prefix}${set}`;
  const hkey = (set: string) => `${prefix}${set}:m`;
  const values = async (set: string, members: string[]): Promise<(string | null)[]> =>
    members.length === 0
      ? []
      : (await conn.run('hmget', (r) => r.hmGet(hkey(set), members))).map((v) =>
          v == null ? null : String(v),
        );

  return {
    driver: 'redis',
    async increment(key, windowMs) {
      const k = `${prefix}${key}`;
      // NX: the first increment of a window starts its clock; later ones only count.
      const [count, , ttl] = await conn.run('increment', (r) =>
        r.multi().incr(k).pExpire(k, windowMs, 'NX').pTTL(k).exec(),
      );
      return { count: Number(count), ttlMs: Number(ttl) };
    },
    async addMember(set, member, value, ttlMs) {
      await conn.run('add member', (r) => {
        const multi = r
          .multi()
          .zAdd(zkey(set), { score: Date.now() + ttlMs, value: member })
          .hSet(hkey(set), member, value);
        return keepKeys(multi, [zkey(set), hkey(set)], ttlMs).exec();
      });
    },
    async removeMember(set, member) {
      const [removed] = await conn.run('remove member', (r) =>
        r.multi().zRem(zkey(set), member).hDel(hkey(set), member).exec(),
      );
      return Number(removed) > 0;
    },
    async liveMembers(set) {
      const live = await conn.run('live members', (r) =>
        r.zRangeByScore(zkey(set), `(${Date.now()}`, '+inf'),
      );
      const raw = await values(set, live);
      return live.flatMap((member, i) => (raw[i] == null ? [] : [{ member, value: raw[i] }]));
    },
    async countLive(set) {
      return conn.run('count live', (r) => r.zCount(zkey(set), `(${Date.now()}`, '+inf'));
    },
    async refreshMembers(members, ttlMs) {
      const score = Date.now() + ttlMs;
      const queued = [...members].filter(([, names]) => names.length > 0);
      if (queued.length === 0) return;
      await conn.run('refresh members', (r) => {
        const multi = r.multi();
        for (const [set, names] of queued) {
          // XX: only members still present; one taken as expired meanwhile stays gone.
          multi.zAdd(
            zkey(set),
            names.map((value) => ({ score, value })),
            { condition: 'XX' },
          );
          keepKeys(multi, [zkey(set), hkey(set)], ttlMs);
        }
        return multi.execAsPipeline();
      });
    },
    async takeExpired(set) {
      const z = zkey(set);
      const stale = await conn.run('expired members', (r) => r.zRangeByScore(z, '-inf', Date.now()));
      if (stale.length === 0) return [];
      const raw = await values(set, stale);
      // ZREM answers 1 to exactly one caller per member, whichever replica it runs on.
      const removed = await conn.run('take expired', (r) =>
        Promise.all(stale.map((member) => r.zRem(z, member))),
      );
      const taken: SetEntry[] = [];
      stale.forEach((member, i) => {
        if (Number(removed[i]) > 0) taken.push({ member, value: raw[i] ?? '' });
      });
      if (taken.length > 0) {
        const gone = taken.map((e) => e.member);
        await conn.run('forget expired', (r) => r.hDel(hkey(set), gone));
      }
      return taken;
    },
    async setValue(key, value, ttlMs) {
      await conn.run('set value', (r) => r.set(`${prefix}${key}`, value, { PX: ttlMs }));
    },
    async getValues(keys) {
      if (keys.length === 0) return [];
      const raw = await conn.run('get values', (r) => r.mGet(keys.map((k) => `${prefix}${k}`)));
      return raw.map((v) => (v == null ? null : String(v)));
    },
    async ping() {
      await conn.run('ping', (r) => r.ping());
    },
    async close() {
      await conn.close();
    },
  };
}
