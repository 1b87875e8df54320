// One WebSocket connection speaking the channel protocol: parses frames, applies auth and rate limits,
// subscribes with recovery (replay up to the live seam, then live), publishes with acks, and leaves every
// channel (and its presence) when the connection ends. Errors become `error` frames; the socket stays up.
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { denied } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import type { ChannelContext } from './context.js';
import type { Subscription } from './fanout.js';
import { type ClientFrame, errorFrame, messageFrame, ProtocolError, parseClientFrame } from './frames.js';
import type { Peer } from './outbox.js';
import type { Member } from './presence-store.js';

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
  readonly #connectedAt = Date.now();
  #chain: Promise<void> = Promise.resolve();
  #backlog = 0;

  constructor(
    readonly ws: WebSocket,
    private readonly principal: Principal,
    private readonly ctx: ChannelContext,
  ) {
    ws.on('message', (data, isBinary) => this.#receive(data as Buffer, isBinary));
    ws.on('close', () => this.#cleanup());
  }

  onSlow(): void {
    this.ctx.metrics.slowConsumers.inc();
    this.#cleanup();
  }

  #send(text: string): void {
    this.ctx.outbox.send(this, text);
  }

  #fail(err: ProtocolError): void {
    this.#send(errorFrame(err.code, err.message, err.extra));
  }

  #receive(data: Buffer, isBinary: boolean): void {
    if (this.closing) return;
    if (isBinary) {
      this.#fail(new ProtocolError('invalid_frame', 'binary frames are not supported; send JSON text'));
      return;
    }
    if (!this.ctx.limits.rateLimitEnabled) {
      this.#handleText(data.toString());
      return;
    }
    if (this.#backlog >= MAX_BACKLOG) {
      this.#fail(new ProtocolError('rate_limited', 'too many frames waiting; slow down'));
      return;
    }
    this.#backlog++;
    // Decisions are requested at once (pipelined), but frames are handled in arrival order so one
    // connection's publishes keep their order.
    const pending = this.ctx.rateLimiter.take(this.principal);
    this.#chain = this.#chain.then(async () => {
      const decision = await pending;
      this.#backlog--;
      if (this.closing) return;
      if (!decision.allowed) {
        this.ctx.metrics.rateLimited.inc({ transport: 'ws' });
        this.#fail(
          new ProtocolError('rate_limited', `rate limit of ${decision.limit} frames per window exceeded`, {
            retryAfterMs: decision.retryAfterMs,
          }),
        );
        return;
      }
      this.#handleText(data.toString());
    });
  }

  #handleText(text: string): void {
    let frame: ClientFrame;
    try {
      frame = parseClientFrame(text);
    } catch (err) {
      if (err instanceof ProtocolError) {
        this.#fail(err);
        return;
      }
      throw err;
    }
    switch (frame.type) {
      case 'ping':
        this.#send(
          JSON.stringify(frame.id === undefined ? { type: 'pong' } : { type: 'pong', id: frame.id }),
        );
        return;
      case 'subscribe':
        void this.#subscribe(frame.channel, frame.since, frame.presence);
        return;
      case 'unsubscribe':
        this.#unsubscribe(frame.channel);
        return;
      case 'publish':
        this.#publish(frame.channel, frame.data, frame.id);
        return;
    }
  }

  #member(): Member {
    return { client: this.#id, user: this.principal.sub ?? null, connectedAt: this.#connectedAt };
  }

  async #subscribe(channel: string, since: number | undefined, presence: boolean): Promise<void> {
    const at = { channel };
    if (this.#subs.has(channel)) {
      this.#fail(new ProtocolError('already_subscribed', `already subscribed to "${channel}"`, at));
      return;
    }
    if (this.#subs.size >= this.ctx.limits.maxSubscriptions) {
      const max = this.ctx.limits.maxSubscriptions;
      this.#fail(new ProtocolError('too_many_subscriptions', `at most ${max} channels per connection`, at));
      return;
    }
    if (!this.principal.canSubscribe(channel)) {
      const e = denied(this.principal, `subscribing to channel "${channel}"`);
      this.#fail(new ProtocolError(e.code, e.message, at));
      return;
    }
    const entry: Entry = { sub: null, cancelled: false };
    this.#subs.set(channel, entry);
    const sub: Subscription = { peer: this, channel, presence, queue: null };
    let target: number;
    try {
      target = await this.ctx.fanout.attach(sub);
    } catch (err) {
      this.ctx.log.warn({ err, channel }, 'subscribe failed');
      if (this.#subs.get(channel) === entry) this.#subs.delete(channel);
      this.#fail(new ProtocolError('subscribe_failed', 'subscribing failed; retry shortly', at));
      return;
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
    const entry = this.#subs.get(channel);
    if (!entry) {
      this.#fail(new ProtocolError('not_subscribed', `not subscribed to "${channel}"`, { channel }));
      return;
    }
    this.#leave(channel, entry);
    this.#send(JSON.stringify({ type: 'unsubscribed', channel }));
  }

  #leave(channel: string, entry: Entry): void {
    this.#subs.delete(channel);
    entry.cancelled = true;
    if (!entry.sub) return;
    this.ctx.fanout.detach(entry.sub);
    this.ctx.track(this.ctx.presence.leave(channel, this.#member()), 'presence leave');
  }

  #publish(channel: string, data: unknown, id: string | undefined): void {
    const at = id === undefined ? { channel } : { channel, id };
    if (!this.principal.canPublish(channel)) {
      const e = denied(this.principal, `publishing to channel "${channel}"`);
      this.#fail(new ProtocolError(e.code, e.message, at));
      return;
    }
    const text = JSON.stringify(data);
    if (Buffer.byteLength(text) > this.ctx.limits.maxDataSize) {
      const max = this.ctx.limits.maxDataSize;
      this.#fail(new ProtocolError('message_too_large', `data is larger than ${max} bytes`, at));
      return;
    }
    this.ctx.publisher.publish(channel, text, id).then(
      (p) => this.#send(JSON.stringify({ type: 'ack', id: p.id, channel, offset: p.offset, ts: p.ts })),
      (err: unknown) => {
        this.ctx.log.error({ err, channel }, 'publish failed');
        this.#fail(
          new ProtocolError('publish_failed', 'the message was not stored; retry with the same id', at),
        );
      },
    );
  }

  #cleanup(): void {
    this.closing = true;
    for (const [channel, entry] of [...this.#subs]) this.#leave(channel, entry);
  }
}
