// How a refused WebSocket upgrade is told to the client (docs/protocol.md, "Refusals"): browsers cannot read
// the HTTP status of a failed upgrade (they report close 1006), so the upgrade is accepted and closed at once
// with an application close code and a reason naming the error code.
import type { DomainError } from '../errors/domain-error.js';

/** Close codes of refused connections; 4001 is shared with a token that expires on an open connection. */
export const REFUSAL_CLOSE = {
  token_expired: 4001,
  unauthorized: 4401,
  forbidden: 4403,
  rate_limited: 4429,
  internal: 4500,
  unavailable: 4503,
} as const;

/** A close reason may hold at most 123 bytes of UTF-8. */
const MAX_REASON_BYTES = 123;

/** The close code standing for a refusal: token_expired, else by the refusal's HTTP status class. */
export function refusalCode(err: DomainError): number {
  if (err.code === 'token_expired') return REFUSAL_CLOSE.token_expired;
  switch (err.status) {
    case 401:
      return REFUSAL_CLOSE.unauthorized;
    case 403:
      return REFUSAL_CLOSE.forbidden;
    case 429:
      return REFUSAL_CLOSE.rate_limited;
    case 503:
      return REFUSAL_CLOSE.unavailable;
    default:
      return err.status >= 500 ? REFUSAL_CLOSE.internal : REFUSAL_CLOSE.forbidden;
  }
}

/**
 * `<code>: <message>`, or `<code> (retry after <n> ms): <message>` when a retry hint exists; cut to the
 * close frame's limit on a character boundary, so the code (and hint) always survive.
 */
export function refusalReason(err: DomainError): string {
  const hint = err.retryAfterMs === undefined ? '' : ` (retry after ${err.retryAfterMs} ms)`;
  let reason = `${err.code}${hint}: ${err.message}`;
  while (Buffer.byteLength(reason) > MAX_REASON_BYTES) reason = reason.slice(0, -1);
  return reason;
}
