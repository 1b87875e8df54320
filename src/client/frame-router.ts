// Server frames (docs/protocol.md, "Server frames") dispatched to the subscription, publish or refresh they
// answer. Error frames are matched by `id` (publishes always carry one), then by `channel` (a subscribe
// awaiting its answer), then to a pending refresh; transient refusals are retried.
import type { Client } from './client.js';
import { ClientError, type ErrorFrame, fromErrorFrame, TRANSIENT_KINDS } from './errors.js';
import type { GapEvent, Message, PresenceEvent } from './types.js';

export type ServerFrame =
  | ({ type: 'message' } & Message)
  | { type: 'subscribed'; channel: string; offset: number; recovered: boolean }
  | { type: 'unsubscribed'; channel: string; reason?: string }
  | { type: 'ack'; channel: string; offset: number; id: string; ts: number }
  | ({ type: 'presence' } & PresenceEvent)
  | ({ type: 'gap' } & GapEvent)
  | { type: 'refreshed'; expiresAt: string }
  | { type: 'pong'; id?: unknown }
  | ({ type: 'error' } & ErrorFrame);

/** Codes a refused `refresh` is answered with (it carries neither channel nor id). */
const REFRESH_ERRORS = new Set(['invalid_token', 'token_expired', 'forbidden', 'invalid_frame']);

export function routeFrame(client: Client, f: ServerFrame): void {
  switch (f.type) {
    case 'message': {
      const { type: _, ...m } = f;
      const sub = client.subs.get(m.channel);
      const before = sub?.lastOffset;
      sub?.message(m as Message<never>);
      if (sub && sub.lastOffset !== before) client.deliver('message', m);
      return;
    }
    case 'subscribed':
      client.subs.get(f.channel)?.subscribed(f.offset, f.recovered);
      return;
    case 'gap': {
      const { type: _, ...g } = f;
      client.subs.get(g.channel)?.gap(g);
      client.deliver('gap', g);
      return;
    }
    case 'presence': {
      const { type: _, ...p } = f;
      client.subs.get(p.channel)?.presence(p as PresenceEvent);
      client.deliver('presence', p as PresenceEvent);
      return;
    }
    case 'unsubscribed': {
      const sub = client.subs.get(f.channel);
      // Only the server ending an active subscription matters; answers to our unsubscribe find none.
      if (sub?.phase !== 'active' || f.reason === undefined) return;
      client.subs.delete(f.channel);
      const err = new ClientError('forbidden', 'forbidden', `the token no longer grants "${f.channel}"`, {
        channel: f.channel,
      });
      sub.fail(err);
      sub.end(f.reason);
      client.raise(err);
      return;
    }
    case 'ack':
      client.publishes.ack({ channel: f.channel, offset: f.offset, id: f.id, ts: f.ts });
      return;
    case 'refreshed':
      client.refresher.refreshed(f.expiresAt);
      return;
    case 'pong':
      return;
    case 'error':
      routeError(client, f);
      return;
  }
}

function retryDelay(err: ClientError): number {
  return Math.max(err.retryAfterMs ?? 0, 250 + Math.floor(Math.random() * 750));
}

function routeError(client: Client, f: ErrorFrame): void {
  const err = fromErrorFrame(f);
  const transient = TRANSIENT_KINDS.has(err.kind);
  if (f.id !== undefined && client.publishes.has(f.id)) {
    const id = f.id;
    if (!transient) {
      client.publishes.fail(id, err);
      return;
    }
    client.publishes.retry(id);
    client.retryLater(() => client.flush(), retryDelay(err));
    return;
  }
  const sub = f.channel === undefined ? undefined : client.subs.get(f.channel);
  if (sub && sub.phase === 'pending') {
    sub.fail(err);
    if (transient) {
      sub.phase = 'idle';
      client.retryLater(() => client.resubscribe(sub), retryDelay(err));
      return;
    }
    client.subs.delete(sub.channel);
    sub.end(err.code);
    client.raise(err);
    return;
  }
  if (client.refresher.pending && f.channel === undefined && REFRESH_ERRORS.has(f.code)) {
    client.refresher.failed(err);
    return;
  }
  client.raise(err);
}
