// Wire format of the WebSocket protocol (docs/protocol.md): building server frames; client frames are checked
// in client-frames.ts. Message frames are text around the stored JSON, so one string serves every subscriber.

/** A persisted message as the fan-out moves it around: offset for ordering, frame text ready to send. */
export interface Delivery {
  offset: number;
  frame: string;
}

export interface StoredMessage {
  offset: number;
  id: string;
  /** The message's data as JSON text, exactly as stored. */
  data: string;
  /** Milliseconds since the epoch. */
  ts: number;
}

const q = JSON.stringify;

export function messageFrame(channel: string, m: StoredMessage): string {
  return `{"type":"message","channel":${q(channel)},"offset":${m.offset},"id":${q(m.id)},"data":${m.data},"ts":${m.ts}}`;
}

/**
 * Why a live subscriber did not get offsets from..to: `retention` deleted them before this replica could
 * read them; `unavailable` means PostgreSQL could not be read for too long (they may still be in history).
 */
export type GapReason = 'retention' | 'unavailable';

export function gapFrame(channel: string, from: number, to: number, reason: GapReason): string {
  return `{"type":"gap","channel":${q(channel)},"from":${from},"to":${to},"reason":"${reason}"}`;
}

/**
 * The end of a subscription: the answer to `unsubscribe`, or, with a reason, one the server ended itself
 * (`forbidden`: a refreshed token no longer grants the channel).
 */
export function unsubscribedFrame(channel: string, reason?: 'forbidden'): string {
  const why = reason === undefined ? '' : `,"reason":"${reason}"`;
  return `{"type":"unsubscribed","channel":${q(channel)}${why}}`;
}

/** The answer to `refresh`: the connection now lives until the new token's expiry. */
export function refreshedFrame(expiresAt: number): string {
  return `{"type":"refreshed","expiresAt":${q(new Date(expiresAt).toISOString())}}`;
}

/** The same fields without `type`, for HTTP history responses. */
export function messageJson(channel: string, m: StoredMessage): string {
  return `{"channel":${q(channel)},"offset":${m.offset},"id":${q(m.id)},"data":${m.data},"ts":${m.ts}}`;
}
