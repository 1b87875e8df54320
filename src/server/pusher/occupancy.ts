// Who is where, across replicas, in the shared state (Redis with several replicas): the connections of each
// app (for maxConnections), the subscriptions of each channel (occupied/vacated, subscription_count), the
// occupied channels of each app (the channels query) and presence members. This replica refreshes its own
// entries on a heartbeat; entries of a crashed replica expire and are announced once by whoever takes them.
import type { SharedState } from '../drivers/shared-state/index.js';
import type { PresenceMember } from './frames.js';

const conns = (appId: string) => `pusher:conns:${appId}`;
const subs = (stored: string) => `pusher:subs:${stored}`;
const chans = (appId: string) => `pusher:chans:${appId}`;
const members = (stored: string) => `pusher:members:${stored}`;

export interface ChannelRef {
  appId: string;
  /** The Pusher name. */
  name: string;
  /** The paasport channel. */
  stored: string;
}

export interface Expired {
  vacated: ChannelRef[];
  removed: { ref: ChannelRef; member: PresenceMember }[];
}

export class Occupancy {
  /** What this replica keeps alive: set -> members. */
  readonly #mine = new Map<string, Set<string>>();
  /** Channels of this replica, for the expiry of other replicas' entries. */
  readonly #refs = new Map<string, ChannelRef>();

  constructor(
    private readonly state: SharedState,
    private readonly ttlMs: number,
  ) {}

  #hold(set: string, member: string, on: boolean): void {
    let held = this.#mine.get(set);
    if (on) {
      if (!held) {
        held = new Set();
        this.#mine.set(set, held);
      }
      held.add(member);
    } else if (held?.delete(member) && held.size === 0) this.#mine.delete(set);
  }

  async connect(appId: string, socketId: string): Promise<number> {
    this.#hold(conns(appId), socketId, true);
    await this.state.addMember(conns(appId), socketId, '', this.ttlMs);
    return this.state.countLive(conns(appId));
  }

  async disconnect(appId: string, socketId: string): Promise<void> {
    this.#hold(conns(appId), socketId, false);
    await this.state.removeMember(conns(appId), socketId);
  }

  /** Resolves true when this subscription made the channel occupied. */
  async subscribe(ref: ChannelRef, socketId: string): Promise<boolean> {
    this.#refs.set(ref.stored, ref);
    this.#hold(subs(ref.stored), socketId, true);
    this.#hold(chans(ref.appId), ref.name, true);
    await this.state.addMember(subs(ref.stored), socketId, '', this.ttlMs);
    const count = await this.state.countLive(subs(ref.stored));
    if (count === 1) await this.state.addMember(chans(ref.appId), ref.name, ref.stored, this.ttlMs);
    return count === 1;
  }

  /** Resolves true when this was the channel's last subscription anywhere. */
  async unsubscribe(ref: ChannelRef, socketId: string): Promise<boolean> {
    this.#hold(subs(ref.stored), socketId, false);
    if (!this.#mine.has(subs(ref.stored))) {
      this.#hold(chans(ref.appId), ref.name, false);
      this.#refs.delete(ref.stored);
    }
    const existed = await this.state.removeMember(subs(ref.stored), socketId);
    if (!existed || (await this.state.countLive(subs(ref.stored))) > 0) return false;
    await this.state.removeMember(chans(ref.appId), ref.name);
    return true;
  }

  subscriptionCount(stored: string): Promise<number> {
    return this.state.countLive(subs(stored));
  }

  /** Occupied channels of an app: Pusher name -> paasport channel. */
  async channels(appId: string): Promise<Map<string, string>> {
    const live = await this.state.liveMembers(chans(appId));
    return new Map(live.map((e) => [e.member, e.value]));
  }

  /** Adds a member; resolves true when its user was not present before (member_added is due). */
  async join(ref: ChannelRef, socketId: string, member: PresenceMember): Promise<boolean> {
    const before = await this.members(ref.stored);
    this.#hold(members(ref.stored), socketId, true);
    await this.state.addMember(members(ref.stored), socketId, JSON.stringify(member), this.ttlMs);
    return !before.some((m) => m.user_id === member.user_id);
  }

  /** Removes a member; resolves true when no connection of its user is left (member_removed is due). */
  async leave(ref: ChannelRef, socketId: string, member: PresenceMember): Promise<boolean> {
    this.#hold(members(ref.stored), socketId, false);
    if (!(await this.state.removeMember(members(ref.stored), socketId))) return false;
    return !(await this.members(ref.stored)).some((m) => m.user_id === member.user_id);
  }

  /** Live members, one per user. */
  async members(stored: string): Promise<PresenceMember[]> {
    const byUser = new Map<string, PresenceMember>();
    for (const e of await this.state.liveMembers(members(stored))) {
      const m = parse(e.value);
      if (m) byUser.set(m.user_id, m);
    }
    return [...byUser.values()];
  }

  /** Refreshes this replica's entries and takes the expired ones of the channels it serves. */
  async heartbeat(): Promise<Expired> {
    await this.state.refreshMembers(
      new Map([...this.#mine].map(([set, held]) => [set, [...held]])),
      this.ttlMs,
    );
    const expired: Expired = { vacated: [], removed: [] };
    for (const ref of this.#refs.values()) {
      const gone = await this.state.takeExpired(members(ref.stored));
      const left = await this.members(ref.stored);
      for (const e of gone) {
        const m = parse(e.value);
        if (m && !left.some((x) => x.user_id === m.user_id)) expired.removed.push({ ref, member: m });
      }
      if ((await this.state.takeExpired(subs(ref.stored))).length > 0) {
        if ((await this.state.countLive(subs(ref.stored))) === 0) expired.vacated.push(ref);
      }
    }
    return expired;
  }
}

function parse(value: string): PresenceMember | undefined {
  try {
    const m = JSON.parse(value) as PresenceMember;
    return typeof m.user_id === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
}
