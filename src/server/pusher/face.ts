// What the Pusher face shares on one replica: apps, its fan-out, occupancy, webhooks, the sessions by user,
// and the operations both transports use (publish an event, announce a presence change).
import type { ChannelContext } from '../channels/context.js';
import type { FanOut } from '../channels/fanout.js';
import { validatePublish } from '../channels/inputs.js';
import type { Deps } from '../deps.js';
import type { Logger } from '../logger.js';
import type { PusherApp, PusherApps } from './apps.js';
import { storedName } from './channel-names.js';
import { type Envelope, eventFrame, type PresenceMember, presenceLine } from './frames.js';
import type { ChannelRef, Occupancy } from './occupancy.js';
import type { Webhooks } from './webhooks.js';

export interface FaceSettings {
  activityTimeoutS: number;
  signinTimeoutMs: number;
  timestampSkewMs: number;
  maxDataSize: number;
}

/** A connection as the rest of the face sees it (for terminate_connections). */
export interface UserConnection {
  terminate(code: number, message: string): void;
}

export class Face {
  readonly #users = new Map<string, Set<UserConnection>>();

  constructor(
    readonly apps: PusherApps,
    readonly fanout: FanOut,
    readonly occupancy: Occupancy,
    readonly webhooks: Webhooks,
    readonly channels: ChannelContext,
    readonly deps: Deps,
    readonly settings: FaceSettings,
    readonly log: Logger,
  ) {}

  ref(app: PusherApp, name: string): ChannelRef {
    return { appId: app.id, name, stored: storedName(app.id, name) };
  }

  /** Persists the event on the app's paasport channel; live delivery follows from the commit. */
  async publish(app: PusherApp, envelope: Envelope): Promise<void> {
    const input = validatePublish(
      { channel: storedName(app.id, envelope.channel), data: envelope, id: undefined },
      this.settings.maxDataSize,
    );
    await this.channels.publisher.publish(input);
  }

  async announce(ref: ChannelRef, change: 'added' | 'removed', member: PresenceMember, exclude: string) {
    const data =
      change === 'added'
        ? { user_id: member.user_id, user_info: member.user_info }
        : { user_id: member.user_id };
    const frame = eventFrame(`pusher_internal:member_${change}`, JSON.stringify(data), ref.name);
    await this.deps.bus.publish(this.fanout.topic(ref.stored), presenceLine(frame, exclude));
  }

  userTopic(): string {
    return `${this.deps.config.redis.keyPrefix}pusher:terminate`;
  }

  addUser(appId: string, userId: string, conn: UserConnection): void {
    const key = `${appId}\n${userId}`;
    let set = this.#users.get(key);
    if (!set) {
      set = new Set();
      this.#users.set(key, set);
    }
    set.add(conn);
  }

  removeUser(appId: string, userId: string, conn: UserConnection): void {
    const key = `${appId}\n${userId}`;
    const set = this.#users.get(key);
    if (set?.delete(conn) && set.size === 0) this.#users.delete(key);
  }

  /** Closes this replica's connections of a user (the bus brings the request to every replica). */
  terminateLocal(appId: string, userId: string): void {
    for (const conn of [...(this.#users.get(`${appId}\n${userId}`) ?? [])])
      conn.terminate(4009, 'You got disconnected by the app.');
  }
}
