// Presence state: who is subscribed to a channel, across replicas, kept in the shared state. Replicas
// refresh their members' expiry on a heartbeat, so the members of a crashed replica expire after the TTL.
import type { SetEntry, SharedState } from '../drivers/shared-state/index.js';

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

/** Presence over the shared state: one expiring set per channel, member = connection id, value = details. */
export function createPresenceStore(state: SharedState, ttlMs: number): PresenceStore {
  const setOf = (channel: string) => `presence:${channel}`;
  const parse = ({ member, value }: SetEntry): Member => {
    try {
      return JSON.parse(value) as Member;
    } catch {
      // Details lost (e.g. written by a replica mid-crash): the departure is still worth announcing.
      return { client: member, user: null, connectedAt: 0 };
    }
  };

  return {
    join: (channel, member) => state.addMember(setOf(channel), member.client, JSON.stringify(member), ttlMs),
    leave: (channel, client) => state.removeMember(setOf(channel), client),
    members: async (channel) => (await state.liveMembers(setOf(channel))).map(parse),
    count: (channel) => state.countLive(setOf(channel)),
    refresh: (entries) =>
      state.refreshMembers(
        new Map([...entries].map(([channel, clients]) => [setOf(channel), clients])),
        ttlMs,
      ),
    expire: async (channel) => (await state.takeExpired(setOf(channel))).map(parse),
  };
}
