// Presence state: who is subscribed to a channel, across replicas. In Redis each channel has a sorted set
// (member -> expiry time) and a hash (member -> details); replicas refresh their members' expiry on a
// heartbeat, so the members of a crashed replica expire after the TTL. In memory for embedded mode.
import type { RedisClientType } from 'redis';

export interface Member {
  /** Connection id: one entry per subscribed connection. */
  client: string;
  /** The `sub` of the client's token, null for API keys and anonymous clients. */
  user: string | null;
  /** Milliseconds since the epoch. */
  connectedAt: number;
}

export interface PresenceStore {
  join(channel: string, member: Member): Promise<void>;
  /** Resolves true when the entry existed (so a `left` event is due). */
  leave(channel: string, client: string): Promise<boolean>;
  members(channel: string): Promise<Member[]>;
  count(channel: string): Promise<number>;
  /** Extends the expiry of the given live entries. */
  refresh(entries: Map<string, string[]>): Promise<void>;
  /** Removes expired entries of a channel; each removed entry is returned to exactly one caller. */
  expire(channel: string): Promise<Member[]>;
}

export function createRedisPresence(redis: RedisClientType, prefix: string, ttlMs: number): PresenceStore {
  const zkey = (channel: string) => `${prefix}presence:${channel}`;
  const hkey = (channel: string) => `${prefix}presence:${channel}:m`;
  // Keys outlive any entry by a margin, so channels nobody refreshes vanish on their own.
  const keyTtl = ttlMs * 3;
  const parse = (raw: string | null | undefined): Member | null => {
    try {
      return raw ? (JSON.parse(raw) as Member) : null;
    } catch {
      return null;
    }
  };

  return {
    async join(channel, member) {
      const z = zkey(channel);
      const h = hkey(channel);
      await redis
        .multi()
        .zAdd(z, { score: Date.now() + ttlMs, value: member.client })
        .hSet(h, member.client, JSON.stringify(member))
        .pExpire(z, keyTtl)
        .pExpire(h, keyTtl)
        .exec();
    },
    async leave(channel, client) {
      const [removed] = await redis.multi().zRem(zkey(channel), client).hDel(hkey(channel), client).exec();
      return Number(removed) > 0;
    },
    async members(channel) {
      const live = await redis.zRangeByScore(zkey(channel), Date.now(), '+inf');
      if (live.length === 0) return [];
      const raw = await redis.hmGet(hkey(channel), live);
      return raw.map((r) => parse(r)).filter((m): m is Member => m !== null);
    },
    async count(channel) {
      return redis.zCount(zkey(channel), Date.now(), '+inf');
    },
    async refresh(entries) {
      const expiry = Date.now() + ttlMs;
      const multi = redis.multi();
      for (const [channel, clients] of entries) {
        if (clients.length === 0) continue;
        // XX: only entries still present; one that expired meanwhile was announced as left.
        multi.zAdd(
          zkey(channel),
          clients.map((value) => ({ score: expiry, value })),
          { condition: 'XX' },
        );
        multi.pExpire(zkey(channel), keyTtl).pExpire(hkey(channel), keyTtl);
      }
      await multi.execAsPipeline();
    },
    async expire(channel) {
      const z = zkey(channel);
      const stale = await redis.zRangeByScore(z, '-inf', Date.now());
      if (stale.length === 0) return [];
      const details = await redis.hmGet(hkey(channel), stale);
      const removed: Member[] = [];
      // ZREM answers 1 to exactly one replica per entry, so each expiry is announced once.
      const results = await Promise.all(stale.map((client) => redis.zRem(z, client)));
      stale.forEach((client, i) => {
        if (Number(results[i]) === 0) return;
        removed.push(parse(details[i]) ?? { client, user: null, connectedAt: 0 });
      });
      if (removed.length > 0)
        await redis.hDel(
          hkey(channel),
          removed.map((m) => m.client),
        );
      return removed;
    },
  };
}

export function createMemoryPresence(ttlMs: number): PresenceStore {
  const channels = new Map<string, Map<string, { member: Member; expires: number }>>();
  const live = (channel: string) =>
    [...(channels.get(channel)?.values() ?? [])].filter((e) => e.expires > Date.now());
  return {
    async join(channel, member) {
      let set = channels.get(channel);
      if (!set) {
        set = new Map();
        channels.set(channel, set);
      }
      set.set(member.client, { member, expires: Date.now() + ttlMs });
    },
    async leave(channel, client) {
      const set = channels.get(channel);
      const had = set?.delete(client) ?? false;
      if (set?.size === 0) channels.delete(channel);
      return had;
    },
    async members(channel) {
      return live(channel).map((e) => e.member);
    },
    async count(channel) {
      return live(channel).length;
    },
    async refresh(entries) {
      const expires = Date.now() + ttlMs;
      for (const [channel, clients] of entries) {
        const set = channels.get(channel);
        for (const client of clients) {
          const e = set?.get(client);
          if (e) e.expires = expires;
        }
      }
    },
    async expire(channel) {
      const set = channels.get(channel);
      if (!set) return [];
      const removed: Member[] = [];
      for (const [client, e] of set) {
        if (e.expires > Date.now()) continue;
        set.delete(client);
        removed.push(e.member);
      }
      return removed;
    },
  };
}
