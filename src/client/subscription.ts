// One channel subscription as the application sees it: it outlives connections. It remembers the last offset
// delivered, so each resubscription asks for exactly what follows (`since`), and drops anything at or below
// it, so every message is delivered once and in order across reconnects.
import { Emitter } from './emitter.js';
import type { ClientError } from './errors.js';
import type { GapEvent, Message, PresenceEvent, SubscribedEvent, SubscribeOptions } from './types.js';

export interface SubscriptionEvents<T = unknown> {
  message: Message<T>;
  presence: PresenceEvent;
  gap: GapEvent;
  subscribed: SubscribedEvent;
  /** The subscription failed for good (forbidden, invalid channel) or a retryable attempt failed. */
  error: ClientError;
  /** The subscription ended (unsubscribe(), or refused for good); it will not resume. */
  unsubscribed: { channel: string; reason?: string };
}

/** `idle`: to (re)send on the next open connection; `pending`: sent, awaiting `subscribed`. */
export type SubscriptionPhase = 'idle' | 'pending' | 'active' | 'ended';

export class Subscription<T = unknown> extends Emitter<SubscriptionEvents<T>> {
  phase: SubscriptionPhase = 'idle';
  #last: number | undefined;

  constructor(
    readonly channel: string,
    private readonly options: SubscribeOptions,
    private readonly onEnd: (sub: Subscription<T>) => void,
  ) {
    super();
    this.#last = options.since;
  }

  /** The offset of the last message delivered (or skipped by a gap); the next subscribe's `since`. */
  get lastOffset(): number | undefined {
    return this.#last;
  }

  get active(): boolean {
    return this.phase === 'active';
  }

  /** Ends the subscription; no more events. */
  unsubscribe(): void {
    if (this.phase === 'ended') return;
    this.onEnd(this);
    this.end();
  }

  /** @internal The subscribe frame for the next connection. */
  frame(): Record<string, unknown> {
    const f: Record<string, unknown> = { type: 'subscribe', channel: this.channel };
    if (this.#last !== undefined) f.since = this.#last;
    if (this.options.presence) f.presence = true;
    return f;
  }

  /** @internal */
  subscribed(offset: number, recovered: boolean): void {
    const since = this.#last;
    this.phase = 'active';
    this.emit('subscribed', { channel: this.channel, offset, recovered });
    if (recovered) return;
    // Not replayed: continue after `offset`, and say what was missed if anything was.
    this.#last = offset;
    if (since !== undefined && offset > since) {
      this.emit('gap', { channel: this.channel, from: since + 1, to: offset, reason: 'not_recovered' });
    }
  }

  /** @internal */
  message(m: Message<T>): void {
    if (this.phase !== 'active') return;
    if (this.#last !== undefined && m.offset <= this.#last) return;
    this.#last = m.offset;
    this.emit('message', m);
  }

  /** @internal */
  gap(g: GapEvent): void {
    if (this.phase !== 'active') return;
    if (this.#last === undefined || g.to > this.#last) this.#last = g.to;
    this.emit('gap', g);
  }

  /** @internal */
  presence(p: PresenceEvent): void {
    if (this.phase === 'active') this.emit('presence', p);
  }

  /** @internal */
  fail(err: ClientError): void {
    this.emit('error', err);
  }

  /** @internal */
  end(reason?: string): void {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    this.emit(
      'unsubscribed',
      reason === undefined ? { channel: this.channel } : { channel: this.channel, reason },
    );
  }
}
