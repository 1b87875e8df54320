// The one WebSocket error path: a DomainError becomes an `error` frame (docs/protocol.md) carrying the code,
// the field at fault, when to retry, and the channel and id of the refused frame so clients can match it.
import type { DomainError } from '../errors/domain-error.js';

/** What lets a client match an error to the frame it sent. */
export interface Correlation {
  channel?: string;
  id?: string;
}

export function toWsFrame(err: DomainError, at: Correlation = {}): string {
  const frame: Record<string, unknown> = { type: 'error', code: err.code, message: err.message };
  if (err.field !== undefined) frame.field = err.field;
  if (err.retryAfterMs !== undefined) frame.retryAfterMs = err.retryAfterMs;
  if (at.channel !== undefined) frame.channel = at.channel;
  if (at.id !== undefined) frame.id = at.id;
  return JSON.stringify(frame);
}
