// What clients send to the channels, checked by shape and size before anything uses it, the same way for HTTP
// and WebSocket: channel names, message ids, offsets and JSON data. A refusal is a DomainError naming the field.
// Only text PostgreSQL stores unchanged gets through, so one message can never make a shared batch fail.
import { CHANNEL_NAME_RULE, isValidChannel } from '../auth/channel-names.js';
import { DomainError, invalidInput } from '../errors/domain-error.js';

export const MAX_ID_LENGTH = 128;
/** Arrays and objects nested deeper than this are refused (PostgreSQL's JSON parser recurses). */
export const MAX_DATA_DEPTH = 64;
/** A ping's `id` is echoed back, so it stays small. */
export const MAX_PING_ID_BYTES = 256;
const PING_ID_DEPTH = 8;
export const ID_RULE = `1-${MAX_ID_LENGTH} characters, without control characters or unpaired surrogates`;

// An unpaired UTF-16 surrogate has no UTF-8 form: the driver would send U+FFFD, so the stored id would differ.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** C0 controls (NUL breaks PostgreSQL text), DEL and C1 controls. */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** A bounded, always serialisable rendering of client text for error messages. */
export function preview(s: string, max = 64): string {
  const cut = s.length > max ? `${s.slice(0, max)}...` : s;
  return JSON.stringify(isWellFormed(cut) ? cut : cut.replace(new RegExp(LONE_SURROGATE, 'g'), '\uFFFD'));
}

export function checkChannel(value: unknown, field = 'channel'): string {
  if (typeof value !== 'string') throw invalidInput('invalid_channel', `${field} must be a string`, field);
  if (!isValidChannel(value)) {
    throw invalidInput(
      'invalid_channel',
      `invalid channel name ${preview(value)}: ${CHANNEL_NAME_RULE}`,
      field,
    );
  }
  return value;
}

export function checkMessageId(value: unknown, field = 'id'): string | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'string' ||
    value.length < 1 ||
    value.length > MAX_ID_LENGTH ||
    hasControl(value) ||
    !isWellFormed(value)
  ) {
    throw invalidInput('invalid_id', `${field} must be a string of ${ID_RULE}`, field);
  }
  return value;
}

export function checkOffset(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidInput('invalid_offset', `${field} must be a whole number >= 0`, field);
  }
  return value;
}

/**
 * Refuses fields the API does not know, naming the first, the same way on HTTP and WebSocket: a typo such as
 * `sinse` or `idd` would otherwise be dropped silently (no recovery, no idempotency).
 */
export function checkKnownFields(
  obj: Record<string, unknown>,
  known: readonly string[],
  code: string,
  where: string,
): void {
  const unknown = Object.keys(obj).filter((k) => !known.includes(k));
  const [first] = unknown;
  if (first === undefined) return;
  const shown = unknown.slice(0, 5).map((k) => preview(k, 32));
  throw invalidInput(
    code,
    `unknown field${unknown.length === 1 ? '' : 's'} ${shown.join(', ')} in ${where}; expected ${known.join(', ')}`,
    first.length <= 64 ? first : undefined,
  );
}

interface Node {
  value: unknown;
  depth: number;
  parent: Node | undefined;
  key: string | number;
}

/** `data.items[3].name`; built only for the error, not for every value walked. */
function pathOf(node: Node): string {
  const parts: string[] = [];
  for (let n: Node | undefined = node; n; n = n.parent) {
    if (n.parent === undefined) parts.push(String(n.key));
    else if (typeof n.key === 'number') parts.push(`[${n.key}]`);
    else parts.push(/^[A-Za-z_$][\w$]*$/.test(n.key) ? `.${n.key}` : `[${preview(n.key, 32)}]`);
  }
  return parts.reverse().join('');
}

/**
 * Walks a parsed JSON value without recursion: refuses nesting deeper than maxDepth and strings or keys that
 * are not well-formed UTF-16, so JSON.stringify cannot overflow the stack and PostgreSQL accepts the text.
 */
export function checkJson(value: unknown, field: string, maxDepth: number, code = 'invalid_data'): void {
  const stack: Node[] = [{ value, depth: 0, parent: undefined, key: field }];
  for (let node = stack.pop(); node; node = stack.pop()) {
    const v = node.value;
    if (typeof v === 'string') {
      if (!isWellFormed(v))
        throw invalidInput(code, `${pathOf(node)} has an unpaired UTF-16 surrogate`, pathOf(node));
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    const depth = node.depth + 1;
    if (depth > maxDepth) {
      throw invalidInput(code, `${field} is nested deeper than ${maxDepth} levels`, field);
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth, parent: node, key: i });
      continue;
    }
    for (const [key, child] of Object.entries(v)) {
      const at: Node = { value: child, depth, parent: node, key };
      if (!isWellFormed(key))
        throw invalidInput(code, `${pathOf(at)}: key has an unpaired UTF-16 surrogate`, pathOf(at));
      stack.push(at);
    }
  }
}

/** A ping's id: any small JSON value, returned as the JSON text to echo. */
export function checkPingId(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  checkJson(value, 'id', PING_ID_DEPTH, 'invalid_id');
  const text = JSON.stringify(value);
  if (Buffer.byteLength(text) > MAX_PING_ID_BYTES) {
    throw invalidInput('invalid_id', `a ping id is at most ${MAX_PING_ID_BYTES} bytes as JSON`, 'id');
  }
  return text;
}

/**
 * The WebSocket frame limit in force: WS_MAX_PAYLOAD, raised so that a publish with `data` up to twice
 * CHANNEL_MAX_DATA_SIZE (plus room for its envelope) still arrives, and is answered with the documented
 * `message_too_large` error frame instead of a close 1009 that tells the client nothing.
 */
export function frameLimit(wsMaxPayload: number, maxDataSize: number): number {
  return Math.max(wsMaxPayload, 2 * maxDataSize + 16 * 1024);
}

declare const checked: unique symbol;

/** A publish that passed validatePublish: only these join a batch. */
export interface PublishInput {
  readonly channel: string;
  /** The data as JSON text. */
  readonly data: string;
  readonly id?: string;
  readonly [checked]: true;
}

/** The one publish validator of both transports: channel, id, then data by depth, text and size. */
export function validatePublish(
  raw: { channel: unknown; data: unknown; id: unknown },
  maxDataSize: number,
): PublishInput {
  const channel = checkChannel(raw.channel);
  const id = checkMessageId(raw.id);
  checkJson(raw.data, 'data', MAX_DATA_DEPTH);
  const data: string | undefined = JSON.stringify(raw.data);
  if (data === undefined) throw invalidInput('invalid_data', 'data must be a JSON value', 'data');
  if (Buffer.byteLength(data) > maxDataSize) {
    throw new DomainError('message_too_large', `data is larger than ${maxDataSize} bytes`, {
      status: 413,
      field: 'data',
    });
  }
  return (id === undefined ? { channel, data } : { channel, data, id }) as PublishInput;
}
