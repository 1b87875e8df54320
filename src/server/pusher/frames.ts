// Pusher protocol 7 frames as text. `data` of channel events is a string (JSON text for internal events);
// `pusher:error` carries an object. Stored messages hold an envelope (event, channel, data, sender) that
// becomes one Pusher frame for every subscriber but the excluded sender.

const q = JSON.stringify;

export function eventFrame(event: string, data: unknown, channel?: string, userId?: string): string {
  const ch = channel === undefined ? '' : `,"channel":${q(channel)}`;
  const user = userId === undefined ? '' : `,"user_id":${q(userId)}`;
  return `{"event":${q(event)}${ch},"data":${q(data)}${user}}`;
}

export function connectionEstablished(socketId: string, activityTimeoutS: number): string {
  return eventFrame(
    'pusher:connection_established',
    q({ socket_id: socketId, activity_timeout: activityTimeoutS }),
  );
}

export function errorFrame(code: number | null, message: string, channel?: string): string {
  return eventFrame('pusher:error', { code, message }, channel);
}

export function subscriptionError(channel: string, type: string, error: string, status: number): string {
  return eventFrame('pusher:subscription_error', { type, error, status }, channel);
}

export interface PresenceMember {
  user_id: string;
  user_info?: unknown;
}

export function presenceData(members: PresenceMember[]): string {
  const hash: Record<string, unknown> = {};
  for (const m of members) hash[m.user_id] = m.user_info ?? null;
  const ids = Object.keys(hash);
  return q({ presence: { ids, hash, count: ids.length } });
}

/** What a stored Pusher message holds. */
export interface Envelope {
  event: string;
  channel: string;
  /** A string from the HTTP API; whatever JSON the client sent for client events. */
  data: unknown;
  /** The sender's connection, which does not get its own event back. */
  socket_id?: string;
  /** On client events of presence channels: who sent it. */
  user_id?: string;
}

/** A live frame from the bus or PostgreSQL, as this face sends it: the text and whom to leave out. */
export interface Translated {
  text: string;
  exclude: string | undefined;
}

/**
 * Turns a paasport frame of a Pusher channel into the Pusher frame: `message` frames carry an envelope,
 * presence lines carry `{pusher, exclude}`; anything else (gaps, paasport presence) is not for Pusher
 * clients, which have no way to express it.
 */
export function translate(text: string): Translated | undefined {
  let parsed: { type?: unknown; data?: Envelope; pusher?: unknown; exclude?: unknown };
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed.pusher === 'string')
    return { text: parsed.pusher, exclude: typeof parsed.exclude === 'string' ? parsed.exclude : undefined };
  if (parsed.type !== 'message' || typeof parsed.data?.event !== 'string') return undefined;
  const env = parsed.data;
  return { text: eventFrame(env.event, env.data, env.channel, env.user_id), exclude: env.socket_id };
}

/** A presence change as a bus line for the channel's topic. */
export function presenceLine(frame: string, exclude: string): string {
  return `p ${q({ pusher: frame, exclude })}`;
}
