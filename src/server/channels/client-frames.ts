// Client frames of the WebSocket protocol (docs/protocol.md): decoding one text frame, what correlates an
// answer with it, and checking each field by shape and size. Publish data is checked later, by the one
// publish validator (inputs.ts), once the sender is known to be allowed to publish.
import { invalidInput } from '../errors/domain-error.js';
import type { Correlation } from '../ws/error-frame.js';
import {
  checkChannel,
  checkKnownFields,
  checkMessageId,
  checkOffset,
  checkPingId,
  preview,
} from './inputs.js';

export type ClientFrame =
  | { type: 'subscribe'; channel: string; since?: number; presence: boolean }
  | { type: 'unsubscribe'; channel: string }
  | { type: 'publish'; channel: string; data: unknown; id: unknown }
  /** `id` is the JSON text to echo in the pong. */
  | { type: 'ping'; id?: string }
  /** A new client token for this connection, sent before the current one expires. */
  | { type: 'refresh'; token: string };

type RawFrame = Record<string, unknown>;

/** Echoed strings are bounded: an error frame is never much larger than a legitimate answer. */
const MAX_ECHO = 256;
/** Far above any token POST /v1/tokens mints (100 patterns each way), far below the frame limit. */
const MAX_TOKEN_LENGTH = 16_384;

export function decodeFrame(text: string): RawFrame {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw invalidInput('invalid_json', `frame is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalidInput('invalid_frame', 'frame must be a JSON object with a "type" field');
  }
  return raw as RawFrame;
}

/** The frame's `channel` and string `id`, for the answer; absent when missing or oversized. */
export function correlationOf(f: RawFrame): Correlation {
  const at: Correlation = {};
  if (typeof f.channel === 'string' && f.channel.length <= MAX_ECHO) at.channel = f.channel;
  if (typeof f.id === 'string' && f.id.length <= MAX_ECHO) at.id = f.id;
  return at;
}

/** Correlation of a frame refused before it is read (binary or not JSON: none). */
export function correlationOfData(data: Buffer, isBinary: boolean): Correlation {
  if (isBinary) return {};
  try {
    return correlationOf(decodeFrame(data.toString()));
  } catch {
    return {};
  }
}

/** Fields of each frame type; any other is refused, as the HTTP API refuses unknown body fields. */
const FIELDS: Record<ClientFrame['type'], readonly string[]> = {
  subscribe: ['type', 'channel', 'since', 'presence'],
  unsubscribe: ['type', 'channel'],
  publish: ['type', 'channel', 'data', 'id'],
  ping: ['type', 'id'],
  refresh: ['type', 'token', 'id'],
};

/** Checks a decoded frame's fields; throws a DomainError naming the first bad one. */
export function parseClientFrame(f: RawFrame): ClientFrame {
  if (typeof f.type === 'string' && Object.hasOwn(FIELDS, f.type)) {
    const type = f.type as ClientFrame['type'];
    checkKnownFields(f, FIELDS[type], 'invalid_frame', `a ${type} frame`);
  }
  switch (f.type) {
    case 'subscribe': {
      const channel = checkChannel(f.channel);
      if (f.presence !== undefined && typeof f.presence !== 'boolean') {
        throw invalidInput('invalid_frame', 'presence must be true or false', 'presence');
      }
      const frame: ClientFrame = { type: 'subscribe', channel, presence: f.presence === true };
      if (f.since !== undefined) frame.since = checkOffset(f.since, 'since');
      return frame;
    }
    case 'unsubscribe':
      return { type: 'unsubscribe', channel: checkChannel(f.channel) };
    case 'publish': {
      const channel = checkChannel(f.channel);
      if (!('data' in f)) throw invalidInput('invalid_frame', 'publish needs a "data" field', 'data');
      checkMessageId(f.id);
      return { type: 'publish', channel, data: f.data, id: f.id };
    }
    case 'ping': {
      const id = checkPingId(f.id);
      return id === undefined ? { type: 'ping' } : { type: 'ping', id };
    }
    case 'refresh': {
      if (typeof f.token !== 'string' || f.token.length === 0 || f.token.length > MAX_TOKEN_LENGTH) {
        throw invalidInput('invalid_frame', 'refresh needs a "token": a client token string', 'token');
      }
      return { type: 'refresh', token: f.token };
    }
    case undefined:
      throw invalidInput('invalid_frame', 'frame has no "type" field', 'type');
    default: {
      const shown = typeof f.type === 'string' ? preview(f.type) : `of type ${typeof f.type}`;
      throw invalidInput(
        'unknown_type',
        `unknown frame type ${shown}; expected subscribe, unsubscribe, publish, ping or refresh`,
        'type',
      );
    }
  }
}
