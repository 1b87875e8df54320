// What went wrong, in kinds an application can act on: close codes and error frames of docs/protocol.md
// mapped to ClientError, and which of them a reconnect can cure.

export type ErrorKind =
  /** The token expired: a new one is needed (fetched automatically when the token is a function). */
  | 'token_expired'
  /** Missing, unknown or invalid credentials. */
  | 'unauthorized'
  /** The credential lacks the grant for this channel or operation. */
  | 'forbidden'
  /** Too many requests or connections for this caller; `retryAfterMs` says when to try again. */
  | 'rate_limited'
  /** The server is restarting (deploy, scale-in): reconnecting reaches another replica. */
  | 'draining'
  /** The server cannot serve now (connection limit, a dependency down, an internal error). */
  | 'unavailable'
  /** The network or the connection failed without an answer from the server. */
  | 'network'
  /** The server refused a request as invalid (bad channel name, data too large, ...). */
  | 'invalid'
  /** The client was closed before the request completed. */
  | 'closed';

export class ClientError extends Error {
  override readonly name = 'ClientError';
  constructor(
    readonly kind: ErrorKind,
    /** The server's error code (`rate_limited`, `invalid_channel`, ...) or a client-side one (`network`). */
    readonly code: string,
    message: string,
    readonly extra: {
      closeCode?: number;
      retryAfterMs?: number;
      channel?: string;
      id?: string;
      field?: string;
    } = {},
  ) {
    super(message);
  }
  get closeCode(): number | undefined {
    return this.extra.closeCode;
  }
  get retryAfterMs(): number | undefined {
    return this.extra.retryAfterMs;
  }
  get channel(): string | undefined {
    return this.extra.channel;
  }
}

const KIND_OF_CODE: Record<string, ErrorKind> = {
  token_expired: 'token_expired',
  unauthorized: 'unauthorized',
  invalid_credentials: 'unauthorized',
  invalid_token: 'unauthorized',
  forbidden: 'forbidden',
  rate_limited: 'rate_limited',
  draining: 'draining',
  too_many_connections: 'unavailable',
  unavailable: 'unavailable',
  subscribe_failed: 'unavailable',
  publish_failed: 'unavailable',
  internal: 'unavailable',
};

/** Error frame codes worth retrying as they are. */
export const TRANSIENT_KINDS: ReadonlySet<ErrorKind> = new Set(['rate_limited', 'unavailable', 'draining']);

export function kindOfCode(code: string): ErrorKind {
  return KIND_OF_CODE[code] ?? 'invalid';
}

export interface ErrorFrame {
  code: string;
  message: string;
  field?: string;
  retryAfterMs?: number;
  channel?: string;
  id?: string;
}

export function fromErrorFrame(f: ErrorFrame): ClientError {
  const extra: ClientError['extra'] = {};
  if (f.retryAfterMs !== undefined) extra.retryAfterMs = f.retryAfterMs;
  if (f.channel !== undefined) extra.channel = f.channel;
  if (f.id !== undefined) extra.id = f.id;
  if (f.field !== undefined) extra.field = f.field;
  return new ClientError(kindOfCode(f.code), f.code, f.message, extra);
}

/** Refusal reasons read `<code>: <message>` or `<code> (retry after <n> ms): <message>`. */
const REASON = /^([a-z_]+)(?: \(retry after (\d+) ms\))?: ?(.*)$/s;

/** The error a close stands for, or undefined for a normal close (1000) the client asked for. */
export function fromClose(closeCode: number, reason: string): ClientError {
  const m = REASON.exec(reason);
  const named = m?.[1];
  const extra: ClientError['extra'] = { closeCode };
  if (m?.[2] !== undefined) extra.retryAfterMs = Number(m[2]);
  const text = reason || `connection closed (${closeCode})`;
  switch (closeCode) {
    case 4001:
      return new ClientError('token_expired', 'token_expired', text, extra);
    case 4401:
      return new ClientError('unauthorized', named ?? 'unauthorized', text, extra);
    case 4403:
      return new ClientError('forbidden', named ?? 'forbidden', text, extra);
    case 4429:
      return new ClientError('rate_limited', 'rate_limited', text, extra);
    case 4503:
      return named === 'draining'
        ? new ClientError('draining', 'draining', text, extra)
        : new ClientError('unavailable', named ?? 'unavailable', text, extra);
    case 1012:
      return new ClientError('draining', 'server_restart', text, extra);
    case 4500:
    case 1011:
    case 1013:
      return new ClientError('unavailable', closeCode === 1013 ? 'slow_consumer' : 'internal', text, extra);
    default:
      return new ClientError('network', 'network', text, extra);
  }
}
