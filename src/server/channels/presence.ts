// Presence of this replica's subscribers: records joins and leaves in the shared store, announces them
// on the channel's bus topic as `presence` frames, and on a heartbeat refreshes its own entries and
// announces the expiry of entries nobody refreshed (a crashed replica's).
import type { Bus } from '../drivers/bus/index.js';
import { failureLevel } from '../drivers/outage.js';
import type { Logger } from '../logger.js';
import type { Member, PresenceStore } from './presence-store.js';

export class Presence {
  /** channel -> connection ids subscribed on this replica. */
  readonly #local = new Map<string, Set<string>>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly store: PresenceStore,
    private readonly bus: Bus,
    private readonly topic: (channel: string) => string,
    private readonly log: Logger,
  ) {}

  start(heartbeatMs: number): void {
    this.#timer = setInterval(() => {
      this.heartbeat().catch((err: unknown) =>
        this.log[failureLevel(err)]({ err }, 'presence heartbeat failed'),
      );
    }, heartbeatMs);
    this.#timer.unref();
  }

  async join(channel: string, member: Member): Promise<void> {
    let set = this.#local.get(channel);
    if (!set) {
      set = new Set();
      this.#local.set(channel, set);
    }
    set.add(member.client);
    await this.store.join(channel, member);
    await this.#announce(channel, 'joined', member);
  }

  async leave(channel: string, member: Member): Promise<void> {
    const set = this.#local.get(channel);
    set?.delete(member.client);
    if (set?.size === 0) this.#local.delete(channel);
    if (await this.store.leave(channel, member.client)) await this.#announce(channel, 'left', member);
  }

  async heartbeat(): Promise<void> {
    const entries = new Map([...this.#local].map(([channel, set]) => [channel, [...set]]));
    if (entries.size === 0) return;
    await this.store.refresh(entries);
    for (const channel of entries.keys()) {
      for (const member of await this.store.expire(channel)) await this.#announce(channel, 'left', member);
    }
  }

  async #announce(channel: string, change: 'joined' | 'left', member: Member): Promise<void> {
    const frame = JSON.stringify({
      type: 'presence',
      channel,
      [change]: { client: member.client, user: member.user },
    });
    await this.bus.publish(this.topic(channel), `p ${frame}`);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
