// Shared-state contract: the small state that replicas must agree on, behind rate limits and presence.
// Redis shares it across replicas; the in-process implementation serves one replica (embedded mode).

/** A fixed-window counter after one increment. */
export interface WindowCount {
  /** Increments in the current window, this one included. */
  count: number;
  /** Until the current window ends; the next increment after that starts a new window at 1. */
  ttlMs: number;
}

/** An entry of an expiring set: a member and the opaque value stored with it. */
export interface SetEntry {
  member: string;
  value: string;
}

/**
 * Two primitives, each addressed by a key the caller namespaces (`rl:<id>`, `presence:<channel>`).
 *
 * Window counters: the first increment of a key starts its window of windowMs; later increments in the
 * window only count. Windows are fixed, not sliding.
 *
 * Expiring sets: each member carries an expiry time. Members past it are no longer live (not listed, not
 * counted) and stay until someone takes them with takeExpired, which hands each expired member to exactly
 * one caller, on any replica, so that its departure is announced once. An expired member stays takeable for
 * at least twice its TTL; after that a set nobody tends may vanish whole, so abandoned sets do not leak.
 *
 * Expiring values: a key holds a value until its TTL passes (token revocations); setting it again replaces
 * the value and the TTL. Reading many keys is one round trip.
 */
export interface SharedState {
  /** `redis` shares state across replicas; `memory` keeps it in this process. */
  readonly driver: 'redis' | 'memory';
  increment(key: string, windowMs: number): Promise<WindowCount>;
  /** Adds or replaces member with its value; it is live for ttlMs. */
  addMember(set: string, member: string, value: string, ttlMs: number): Promise<void>;
  /** Resolves true when the member was present (live or expired) and is now removed. */
  removeMember(set: string, member: string): Promise<boolean>;
  /** Live members with their values; order unspecified. */
  liveMembers(set: string): Promise<SetEntry[]>;
  countLive(set: string): Promise<number>;
  /**
   * Makes the given members of each set live for another ttlMs. Members no longer present are not
   * re-added: one that expired and was taken has been announced as gone.
   */
  refreshMembers(members: Map<string, string[]>, ttlMs: number): Promise<void>;
  /** Removes the expired members of set and returns them; each is returned to exactly one caller. */
  takeExpired(set: string): Promise<SetEntry[]>;
  /** Stores value under key for ttlMs, replacing any earlier value and TTL. */
  setValue(key: string, value: string, ttlMs: number): Promise<void>;
  /** The live value of each key, null where it is unset or expired; same order as keys. */
  getValues(keys: string[]): Promise<(string | null)[]>;
  /** Round trip to the store; rejects when it cannot currently answer. */
  ping(): Promise<void>;
  /** After close, every operation rejects. */
  close(): Promise<void>;
}
