// Wire format of the WebSocket protocol (docs/protocol.md): building server frames and validating client
// frames. Message frames are built as text around the stored JSON so one string serves every subscriber.
import { CHANNEL_NAME_RULE, isValidChannel } from '../auth/channel-names.js';

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

/** The same fields without `type`, for HTTP history responses. */
export function messageJson(channel: string, m: StoredMessage): string {
  return `{"channel":${q(channel)},"offset":${m.offset},"id":${q(m.id)},"data":${m.data},"ts":${m.ts}}`;
}

/** A problem with a client frame or request, with the code clients can branch on. */
export class ProtocolError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export function errorFrame(code: string, message: string, extra: Record<string, unknown> = {}): string {
  return q({ type: 'error', code, message, ...extra });
}

export type ClientFrame =
  | { type: 'subscribe'; channel: string; since?: number; presence: boolean }
  | { type: 'unsubscribe'; channel: string }
  | { type: 'publish'; channel: string; data: unknown; id?: string }
  | { type: 'ping'; id?: unknown };

export const ID_RULE = '1-128 characters';

export function checkChannel(channel: unknown): string {
  if (typeof channel !== 'string') throw new ProtocolError('invalid_channel', 'channel must be a string');
  if (!isValidChannel(channel)) {
    throw new ProtocolError('invalid_channel', `invalid channel name ${q(channel)}: ${CHANNEL_NAME_RULE}`);
  }
  return channel;
}

export function checkMessageId(id: unknown): string | undefined {
  if (id === undefined) return undefined;
  if (typeof id !== 'string' || id.length < 1 || id.length > 128) {
    throw new ProtocolError('invalid_id', `id must be a string of ${ID_RULE}`);
  }
  return id;
}

export function checkOffset(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ProtocolError('invalid_offset', `${field} must be a whole number >= 0`);
  }
  return value;
}

/** Parses one text frame; throws ProtocolError naming the problem. */
export function parseClientFrame(text: string): ClientFrame {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ProtocolError('invalid_json', `frame is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ProtocolError('invalid_frame', 'frame must be a JSON object with a "type" field');
  }
  const f = raw as Record<string, unknown>;
  const correlate = typeof f.id === 'string' ? { id: f.id } : {};
  try {
    switch (f.type) {
      case 'subscribe': {
        const frame: ClientFrame = {
          type: 'subscribe',
          channel: checkChannel(f.channel),
          presence: f.presence === true,
        };
        if (f.since !== undefined) frame.since = checkOffset(f.since, 'since');
        if (f.presence !== undefined && typeof f.presence !== 'boolean') {
          throw new ProtocolError('invalid_frame', 'presence must be true or false');
        }
        return frame;
      }
      case 'unsubscribe':
        return { type: 'unsubscribe', channel: checkChannel(f.channel) };
      case 'publish': {
        const channel = checkChannel(f.channel);
        if (!('data' in f)) throw new ProtocolError('invalid_frame', 'publish needs a "data" field');
        const id = checkMessageId(f.id);
        return id === undefined
          ? { type: 'publish', channel, data: f.data }
          : { type: 'publish', channel, data: f.data, id };
      }
      case 'ping':
        return f.id === undefined ? { type: 'ping' } : { type: 'ping', id: f.id };
      case undefined:
        throw new ProtocolError('invalid_frame', 'frame has no "type" field');
      default:
        throw new ProtocolError(
          'unknown_type',
          `unknown frame type ${q(f.type)}; expected subscribe, unsubscribe, publish or ping`,
        );
    }
  } catch (err) {
    if (err instanceof ProtocolError) {
      const channel = typeof f.channel === 'string' ? { channel: f.channel } : {};
      throw new ProtocolError(err.code, err.message, { ...channel, ...correlate, ...err.extra });
    }
    throw err;
  }
}
