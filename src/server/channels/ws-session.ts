// One WebSocket connection speaking the channel protocol: parses frames, applies auth and rate limits,
// subscribes with recovery (replay up to the live seam, then live), publishes with acks, swaps in refreshed
// tokens, closes when its token expires, and leaves every channel (and its presence) when the connection ends.
// Every request frame gets exactly one answer; a failure becomes an `error` frame and the socket stays up.
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { checkCanPublish, denied } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import { DomainError, internalError, invalidInput, rateLimited } from '../errors/domain-error.js';
import { type Correlation, toWsFrame } from '../ws/error-frame.js';
import { correlationOf, correlationOfData, decodeFrame, parseClientFrame } from './client-frames.js';
import type { ChannelContext } from './context.js';
import type { Subscription } from './fanout.js';
import { messageFrame, refreshedFrame, unsubscribedFrame } from './frames.js';
import { validatePublish } from './inputs.js';
import type { Peer } from './outbox.js';
import type { Member } from './presence-store.js';
import type { RateDecision } from './rate-limit.js';
import {
  CLOSE_TOKEN_EXPIRED,
  CLOSE_TOKEN_EXPIRED_REASON,
  ExpiryClock,
  refreshRefused,
  tokenExpired,
} from './token-expiry.js';

/** Frames waiting for their rate-limit decision; beyond this the client is flooding. */
const MAX_BACKLOG = 1000;

interface Entry {
  sub: Subscription | null;
  cancelled: boolean;
}

export class Session implements Peer {
  closing = false;
  readonly #id = randomUUID();
  readonly #subs = new Map<string, Entry>();
  /** Per channel, the tail of its subscribe/unsubscribe work: they run one after the other, in order. */
  readonly #lanes = new Map<string, Promise<void>>();
  readonly #connectedAt = Date.now();
  #chain: Promise<void> = Promise.resolve();
  /** Refreshes apply one after the other, in the order sent. */
  #refreshes: Promise<void> = Promise.resolve();
  #backlog = 0;
  #principal: Principal;
  readonly #expiry = new ExpiryClock(() => this.#expire());

  constructor(
    readonly ws: WebSocket,
    principal: Principal,
    private readonly ctx: ChannelContext,
  ) {
    this.#principal = principal;
    ws.on('message', (data, isBinary) => this.#receive(data as Buffer, isBinary));
    ws.on('close', () => this.#cleanup());
    this.#expiry.set(principal.expiresAt);
  }

  get id(): string {
    return this.#id;
  }

  /** The current grants: the token the connection was opened with, or the last refreshed one. */
  get principal(): Principal {
    return this.#principal;
  }

  get connectedAt(): number {
    return this.#connectedAt;
  }

  /** Channels subscribed (or being subscribed) on this connection. */
  channels(): string[] {
    return [...this.#subs.keys()];
  }

  /** Ends the connection from the server side (admin disconnect, token revocation) with the given close code. */
  end(code: number, reason: string): void {
    if (this.closing) return;
    this.#cleanup();
    this.ws.close(code, reason);
  }

  onSlow(): void {
    this.ctx.metrics.slowConsumers.inc();
    this.#cleanup();
  }

  #send(text: string): void {
    this.ctx.outbox.send(this, text);
  }

  /** The one way a request fails: known errors as they are, anything else logged and answered `internal`. */
  #fail(err: unknown, at: Correlation = {}): void {
    let e: DomainError;
    if (err instanceof DomainError) e = err;
    else {
      this.ctx.log.error({ err, ...at }, 'websocket request failed');
      e = internalError(err);
    }
    try {
      this.#send(toWsFrame(e, at));
    } catch (sendErr) {
      this.ctx.log.error({ err: sendErr }, 'sending an error frame failed');
    }
  }

  #receive(data: Buffer, isBinary: boolean): void {
    if (this.closing) return;
    if (!this.ctx.limits.rateLimitEnabled) {
      this.#handle(data, isBinary);
      return;
    }
    if (this.#backlog >= MAX_BACKLOG) {
      this.#fail(new DomainError('rate_limited', 'too many frames waiting; slow down', { status: 429 }));
      return;
    }
    this.#backlog++;
    // Decisions are requested at once (pipelined), but frames are handled in arrival order so one
    // connection's publishes keep their order. The decision never rejects: a limiter bug is this frame's error.
    const pending: Promise<RateDecision | { error: unknown }> = this.ctx.rateLimiter
      .take(this.#principal)
      .catch((error: unknown) => ({ error }));
    this.#chain = this.#chain
      .then(async () => {
        const decision = await pending;
        this.#backlog--;
        if (this.closing) return;
        if ('error' in decision) return this.#fail(decision.error);
        if (!decision.allowed) {
          this.ctx.metrics.rateLimited.inc({ transport: 'ws' });
          // Named like any other answer, so a client can tell which publish or subscribe to retry.
          const refused = rateLimited(decision.limit, decision.retryAfterMs, 'frames');
          return this.#fail(refused, correlationOfData(data, isBinary));
        }
        this.#handle(data, isBinary);
      })
      // A rejected chain would leave the socket deaf to every later frame.
      .catch((err: unknown) => this.ctx.log.error({ err }, 'websocket frame chain failed'));
  }

  /** Never throws: the frame is answered, whatever happens while handling it. */
  #handle(data: Buffer, isBinary: boolean): void {
    // The timer may not have had its turn yet: nothing is done for a token past its expiry.
    if (this.#expiry.expired()) {
      this.#expire(correlationOfData(data, isBinary));
      return;
    }
    let at: Correlation = {};
    try {
      if (isBinary) throw invalidInput('invalid_frame', 'binary frames are not supported; send JSON text');
      const raw = decodeFrame(data.toString());
      at = correlationOf(raw);
      const frame = parseClientFrame(raw);
      switch (frame.type) {
        case 'ping':
          this.#send(frame.id === undefined ? '{"type":"pong"}' : `{"type":"pong","id":${frame.id}}`);
          return;
        case 'subscribe':
          this.#inLane(frame.channel, at, () => this.#subscribe(frame.channel, frame.since, frame.presence));
          return;
        case 'unsubscribe':
          this.#inLane(frame.channel, at, () => this.#unsubscribe(frame.channel));
          return;
        case 'publish':
          this.#publish(frame.channel, frame.data, frame.id, at);
          return;
        case 'refresh':
          this.#refresh(frame.token, at);
          return;
      }
    } catch (err) {
      this.#fail(err, at);
    }
  }

  /** Runs work after the channel's earlier subscribe/unsubscribe, so back-to-back frames are answered in order. */
  #inLane(channel: string, at: Correlation, work: () => Promise<void> | void): Promise<void> {
    const previous = this.#lanes.get(channel) ?? Promise.resolve();
    const next = previous.then(work).catch((err: unknown) => this.#fail(err, at));
    this.#lanes.set(channel, next);
    void next.then(() => {
      if (this.#lanes.get(channel) === next) this.#lanes.delete(channel);
    });
    return next;
  }

  #member(): Member {
    // `sub` never changes on a connection (a refresh must keep it), so presence entries stay the same.
    return { client: this.#id, user: this.#principal.sub ?? null, connectedAt: this.#connectedAt };
  }

  async #subscribe(channel: string, since: number | undefined, presence: boolean): Promise<void> {
    if (this.closing) return;
    if (this.#subs.has(channel))
      throw invalidInput('already_subscribed', `already subscribed to "${channel}"`);
    if (this.#subs.size >= this.ctx.limits.maxSubscriptions) {
      const max = this.ctx.limits.maxSubscriptions;
      throw invalidInput('too_many_subscriptions', `at most ${max} channels per connection`);
    }
    if (!this.#principal.canSubscribe(channel))
      throw denied(this.#principal, `subscribing to channel "${channel}"`);
    const entry: Entry = { sub: null, cancelled: false };
    this.#subs.set(channel, entry);
    const sub: Subscription = { peer: this, channel, presence, queue: null };
    let target: number;
    try {
      target = await this.ctx.fanout.attach(sub);
    } catch (err) {
      this.ctx.log.warn({ err, channel }, 'subscribe failed');
      if (this.#subs.get(channel) === entry) this.#subs.delete(channel);
      throw new DomainError('subscribe_failed', 'subscribing failed; retry shortly', { status: 503 });
    }
    if (entry.cancelled || this.closing) {
      this.ctx.fanout.detach(sub);
      return;
    }
    entry.sub = sub;

    let recovered = false;
    let replay: Awaited<ReturnType<ChannelContext['store']['range']>> = [];
    if (since !== undefined && since === target) recovered = true;
    else if (since !== undefined && since < target && target - since <= this.ctx.limits.recoveryMax) {
      try {
        const rows = await this.ctx.store.range(channel, since, target - since, target);
        // All or nothing: a hole (retention) means the client must reload, as with a too-old `since`.
        if (rows.length === target - since && rows[0]?.offset === since + 1) {
          recovered = true;
          replay = rows;
        }
      } catch (err) {
        this.ctx.log.warn({ err, channel }, 'recovery read failed');
      }
    }
    if (entry.cancelled || this.closing) return;
    // Same tick from here: subscribed, the replay, then the live frames queued meanwhile. No gap, no repeat.
    this.#send(JSON.stringify({ type: 'subscribed', channel, offset: target, recovered }));
    for (const m of replay) this.#send(messageFrame(channel, m));
    this.ctx.fanout.release(sub);
    this.ctx.track(this.ctx.presence.join(channel, this.#member()), 'presence join');
  }

  #unsubscribe(channel: string): void {
    if (this.closing) return;
    const entry = this.#subs.get(channel);
    if (!entry) throw invalidInput('not_subscribed', `not subscribed to "${channel}"`);
    this.#leave(channel, entry);
    this.#send(unsubscribedFrame(channel));
  }

  #leave(channel: string, entry: Entry): void {
    this.#subs.delete(channel);
    entry.cancelled = true;
    if (!entry.sub) return;
    this.ctx.fanout.detach(entry.sub);
    this.ctx.track(this.ctx.presence.leave(channel, this.#member()), 'presence leave');
  }

  #publish(channel: string, data: unknown, id: unknown, at: Correlation): void {
    checkCanPublish(this.#principal, channel);
    const input = validatePublish({ channel, data, id }, this.ctx.limits.maxDataSize);
    this.ctx.publisher.publish(input, this.#id).then(
      (p) => this.#send(JSON.stringify({ type: 'ack', id: p.id, channel, offset: p.offset, ts: p.ts })),
      (err: unknown) => {
        if (err instanceof DomainError) return this.#fail(err, at);
        this.ctx.log.error({ err, channel }, 'publish failed');
        const message = 'the message was not stored; retry with the same id';
        this.#fail(new DomainError('publish_failed', message, { status: 503 }), at);
      },
    );
  }

  #refresh(token: string, at: Correlation): void {
    if (this.#principal.kind !== 'token') throw refreshRefused('not a token');
    this.#refreshes = this.#refreshes
      .then(() => this.#applyRefresh(token))
      .catch((err: unknown) => this.#fail(err, at));
  }

  /** Swaps in the new token's grants and expiry, then ends the subscriptions it no longer allows. */
  async #applyRefresh(token: string): Promise<void> {
    const next = await this.ctx.verifyToken(token);
    if (this.closing) return;
    // Presence and the connection's identity hang on `sub`: a token for someone else means a new connection.
    if (next.sub !== this.#principal.sub) throw refreshRefused('other subject');
    this.#principal = next;
    this.#expiry.set(next.expiresAt);
    // In each channel's lane, so a subscribe sent earlier is answered before the channel is ended.
    const channels = new Set([...this.#subs.keys(), ...this.#lanes.keys()]);
    await Promise.all([...channels].map((c) => this.#inLane(c, { channel: c }, () => this.#recheck(c))));
    if (this.closing || next.expiresAt === undefined) return;
    this.#send(refreshedFrame(next.expiresAt));
  }

  #recheck(channel: string): void {
    const entry = this.#subs.get(channel);
    if (this.closing || !entry || this.#principal.canSubscribe(channel)) return;
    this.#leave(channel, entry);
    this.#send(unsubscribedFrame(channel, 'forbidden'));
  }

  /** Answers the frame that found the token expired (if one did), then closes with 4001. */
  #expire(at?: Correlation): void {
    if (this.closing) return;
    if (at) this.#fail(tokenExpired(), at);
    this.#cleanup();
    this.ws.close(CLOSE_TOKEN_EXPIRED, CLOSE_TOKEN_EXPIRED_REASON);
  }

  #cleanup(): void {
    this.closing = true;
    this.#expiry.clear();
    for (const [channel, entry] of [...this.#subs]) this.#leave(channel, entry);
  }
}
