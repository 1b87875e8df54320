// Subscribing a Pusher connection to a channel: the checks of its kind (signature, channel_data, signed-in
// user), attaching to the fan-out, occupancy and presence with their webhooks, the succeeded frame with the
// member list, the cached last event of cache channels, and the reverse on unsubscribe.
import type { Subscription } from '../channels/feed.js';
import { failureLevel } from '../drivers/outage.js';
import { kindOf } from './channel-names.js';
import { eventFrame, type PresenceMember, presenceData, subscriptionError, translate } from './frames.js';
import type { ChannelRef } from './occupancy.js';
import type { PusherSession } from './session.js';
import { channelAuthText, verifyAuth } from './signature.js';

export interface Subscribed {
  ref: ChannelRef;
  sub: Subscription;
  member: PresenceMember | undefined;
}

function memberOf(channelData: unknown): PresenceMember | undefined {
  if (typeof channelData !== 'string') return undefined;
  try {
    const parsed = JSON.parse(channelData) as { user_id?: unknown; user_info?: unknown };
    const id = parsed.user_id;
    if ((typeof id !== 'string' || id === '') && typeof id !== 'number') return undefined;
    return parsed.user_info === undefined
      ? { user_id: String(id) }
      : { user_id: String(id), user_info: parsed.user_info };
  } catch {
    return undefined;
  }
}

/** Resolves with the subscription, or undefined after telling the client why not. */
export async function subscribe(
  session: PusherSession,
  channel: string,
  data: Record<string, unknown>,
): Promise<Subscribed | undefined> {
  const { face, app, socketId } = session;
  const kind = kindOf(channel);
  const refuse = (type: string, error: string, status: number) => {
    session.send(subscriptionError(channel, type, error, status));
    return undefined;
  };
  if (kind.user !== undefined && session.user?.id !== kind.user)
    return refuse('AuthError', 'Only the connection signed in as this user may subscribe.', 401);
  let member: PresenceMember | undefined;
  if (kind.authorized) {
    const channelData =
      kind.presence && typeof data.channel_data === 'string' ? data.channel_data : undefined;
    if (!verifyAuth(app, data.auth, channelAuthText(socketId, channel, channelData)))
      return refuse('AuthError', 'The connection is unauthorized: invalid signature.', 401);
    if (kind.presence) {
      member = memberOf(channelData);
      if (!member) return refuse('AuthError', 'channel_data must hold a user_id.', 400);
    }
  }
  const ref = face.ref(app, channel);
  const sub: Subscription = { peer: session, channel: ref.stored, presence: kind.presence, queue: null };
  let attached = false;
  try {
    if (member && (await face.occupancy.members(ref.stored)).length >= app.maxPresenceMembers)
      return refuse('LimitReached', 'The maximum number of members in this channel is reached.', 4100);
    const delivered = await face.fanout.attach(sub);
    attached = true;
    if (session.closing) {
      face.fanout.detach(sub);
      return undefined;
    }
    if (await face.occupancy.subscribe(ref, socketId))
      face.webhooks.emit(app, { name: 'channel_occupied', channel });
    let succeeded = '{}';
    if (member) {
      if (await face.occupancy.join(ref, socketId, member)) {
        await face.announce(ref, 'added', member, socketId);
        face.webhooks.emit(app, { name: 'member_added', channel, user_id: member.user_id });
      }
      succeeded = presenceData(await face.occupancy.members(ref.stored));
    }
    session.send(eventFrame('pusher_internal:subscription_succeeded', succeeded, channel));
    if (kind.cache) await sendCached(session, ref, delivered);
    face.fanout.release(sub);
    return { ref, sub, member };
  } catch (err) {
    face.log[failureLevel(err)]({ err, channel }, 'pusher subscribe failed');
    if (attached) face.fanout.detach(sub);
    return refuse('ServerError', 'The subscription could not be set up, retry.', 503);
  }
}

/** The last event of a cache channel, or `pusher:cache_miss` (and its webhook) when there is none. */
async function sendCached(session: PusherSession, ref: ChannelRef, delivered: number): Promise<void> {
  const { face, app } = session;
  const [last] =
    delivered > 0 ? await face.channels.store.range(ref.stored, delivered - 1, 1, delivered) : [];
  const frame = last ? translate(`{"type":"message","data":${last.data}}`) : undefined;
  if (frame) return session.send(frame.text);
  session.send(eventFrame('pusher:cache_miss', '{}', ref.name));
  face.webhooks.emit(app, { name: 'cache_miss', channel: ref.name });
}

export async function unsubscribe(session: PusherSession, s: Subscribed): Promise<void> {
  const { face, app, socketId } = session;
  face.fanout.detach(s.sub);
  if (s.member && (await face.occupancy.leave(s.ref, socketId, s.member))) {
    await face.announce(s.ref, 'removed', s.member, socketId);
    face.webhooks.emit(app, { name: 'member_removed', channel: s.ref.name, user_id: s.member.user_id });
  }
  if (await face.occupancy.unsubscribe(s.ref, socketId))
    face.webhooks.emit(app, { name: 'channel_vacated', channel: s.ref.name });
}
