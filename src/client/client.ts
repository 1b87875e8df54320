// The connection manager: opens the WebSocket with a token, resubscribes with `since` after every reconnect,
// sends queued publishes, refreshes the token before it expires, pings to notice dead networks, and reconnects
// with backoff after anything but a refusal no reconnect can cure. Frames are routed in frame-router.ts.
import { Backoff } from './backoff.js';
import { Credentials } from './credentials.js';
import { Emitter } from './emitter.js';
import { cancel, defaultWebSocket, later, newId, type TimerHandle } from './env.js';
import { ClientError, fromClose } from './errors.js';
import { routeFrame, type ServerFrame } from './frame-router.js';
import { Publishes } from './publishes.js';
import { Refresher } from './refresher.js';
import { Subscription } from './subscription.js';
import type {
  Ack,
  ClientOptions,
  ConnectionState,
  GapEvent,
  Message,
  PresenceEvent,
  PublishOptions,
  SubscribeOptions,
  WebSocketConstructor,
} from './types.js';
import { socketUrl } from './url.js';

export interface ClientEvents {
  state: { state: ConnectionState; error?: ClientError; delayMs?: number };
  message: Message;
  presence: PresenceEvent;
  gap: GapEvent;
  error: ClientError;
}

/** The browser WebSocket API as used here (ws on Node matches it). */
interface Socket {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export class Client extends Emitter<ClientEvents> {
  readonly #url: string;
  readonly #Ws: WebSocketConstructor;
  readonly #opts: Required<Omit<ClientOptions, 'url' | 'token' | 'WebSocket'>>;
  readonly #credentials: Credentials;
  readonly #backoff: Backoff;
  /** @internal */ readonly subs = new Map<string, Subscription<never>>();
  /** @internal */ readonly publishes: Publishes;
  #state: ConnectionState = 'connecting';
  #ws: Socket | null = null;
  /** A frame arrived on the current socket: the server accepted it (refusals close without a frame). */
  #answered = false;
  #lastFrameAt = 0;
  #timers: { reconnect?: TimerHandle; heartbeat?: TimerHandle } = {};
  /** @internal */ readonly refresher: Refresher;

  constructor(options: ClientOptions) {
    super();
    const Ws = options.WebSocket ?? defaultWebSocket();
    if (!Ws) throw new TypeError('no WebSocket available: pass the `ws` package as the WebSocket option');
    this.#Ws = Ws;
    this.#url = socketUrl(options.url);
    this.#opts = {
      minDelayMs: options.minDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 30_000,
      heartbeatMs: options.heartbeatMs ?? 25_000,
      timeoutMs: options.timeoutMs ?? 10_000,
      maxQueued: options.maxQueued ?? 1000,
    };
    this.#credentials = new Credentials(options.token);
    this.#backoff = new Backoff(this.#opts.minDelayMs, this.#opts.maxDelayMs);
    this.publishes = new Publishes(this.#opts.maxQueued);
    this.refresher = new Refresher(
      this.#credentials,
      {
        live: () => this.#answered && this.#state === 'open',
        send: (frame) => this.send(frame),
        raise: (err) => this.raise(err),
      },
      Math.max(1000, this.#opts.minDelayMs),
    );
    void this.#open();
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Subscribes to a channel; the subscription resumes by itself after every reconnect. */
  subscribe<T = unknown>(channel: string, options: SubscribeOptions = {}): Subscription<T> {
    if (this.subs.has(channel)) throw new Error(`already subscribed to "${channel}": unsubscribe first`);
    const sub = new Subscription<T>(channel, options, (s) => this.#unsubscribe(s));
    if (this.#state === 'closed') {
      sub.end('closed');
      return sub;
    }
    this.subs.set(channel, sub as Subscription<never>);
    if (this.#answered) this.#sendSubscribe(sub as Subscription<never>);
    return sub;
  }

  /** Resolves once the message is committed (its ack); held and retried across reconnects until then. */
  publish(channel: string, data: unknown, options: PublishOptions = {}): Promise<Ack> {
    if (this.#state === 'closed') {
      return Promise.reject(new ClientError('closed', 'closed', 'the client is closed'));
    }
    const acked = this.publishes.add(channel, data, options.id ?? newId());
    this.flush();
    return acked;
  }

  /** Closes for good: no reconnect; pending publishes reject with kind `closed`. */
  close(): void {
    if (this.#state === 'closed') return;
    this.#setState('closed');
    this.#teardown(1000, 'client closed');
    this.publishes.failAll(new ClientError('closed', 'closed', 'the client was closed'));
    for (const sub of this.subs.values()) sub.end('closed');
    this.subs.clear();
  }

  /** @internal Sends what waits: publishes held while connecting or refused transiently. */
  flush(): void {
    if (!this.#ws || !this.#answered) return;
    for (const frame of this.publishes.takeUnsent()) this.#ws.send(frame);
  }

  /** @internal */
  send(frame: Record<string, unknown>): void {
    this.#ws?.send(JSON.stringify(frame));
  }

  /** @internal Runs fn after delayMs unless the client closes (used for retries of refused frames). */
  retryLater(fn: () => void, delayMs: number): void {
    later(() => {
      if (this.#state !== 'closed') fn();
    }, delayMs);
  }

  /** @internal */
  raise(err: ClientError): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  /** @internal */
  deliver<K extends 'message' | 'presence' | 'gap'>(type: K, event: ClientEvents[K]): void {
    this.emit(type, event);
  }

  /** @internal A subscribe to (re)send on the current connection. */
  resubscribe(sub: Subscription<never>): void {
    if (this.#answered && this.subs.get(sub.channel) === sub && sub.phase === 'idle')
      this.#sendSubscribe(sub);
  }

  #sendSubscribe(sub: Subscription<never>): void {
    sub.phase = 'pending';
    this.send(sub.frame());
  }

  #unsubscribe(sub: Subscription<unknown>): void {
    if (this.subs.get(sub.channel) !== sub) return;
    this.subs.delete(sub.channel);
    if (this.#answered && sub.phase !== 'idle') this.send({ type: 'unsubscribe', channel: sub.channel });
  }

  #setState(state: ConnectionState, error?: ClientError, delayMs?: number): void {
    if (this.#state === state && state !== 'reconnecting') return;
    this.#state = state;
    const event: ClientEvents['state'] = { state };
    if (error) event.error = error;
    if (delayMs !== undefined) event.delayMs = delayMs;
    this.emit('state', event);
  }

  async #open(): Promise<void> {
    let token: string | undefined;
    try {
      token = await this.#credentials.forConnect();
    } catch (err) {
      const message = `the token callback failed: ${(err as Error)?.message ?? String(err)}`;
      return this.#lost(new ClientError('unauthorized', 'token_unavailable', message));
    }
    if (this.#state === 'closed') return;
    const url = token === undefined ? this.#url : `${this.#url}?token=${encodeURIComponent(token)}`;
    let ws: Socket;
    try {
      ws = new this.#Ws(url) as unknown as Socket;
    } catch (err) {
      return this.#lost(new ClientError('network', 'network', String((err as Error)?.message ?? err)));
    }
    this.#ws = ws;
    this.#answered = false;
    this.#armTimeout(ws);
    ws.onopen = () => {
      // The first answer proves the server accepted the connection (a refusal closes without one).
      ws.send('{"type":"ping","id":"open"}');
    };
    ws.onmessage = (ev) => {
      if (ws !== this.#ws) return;
      this.#lastFrameAt = Date.now();
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(ev.data)) as ServerFrame;
      } catch {
        return;
      }
      if (!this.#answered) this.#accepted();
      routeFrame(this, frame);
    };
    ws.onclose = (ev) => {
      if (ws !== this.#ws) return;
      this.#lost(fromClose(ev.code, ev.reason));
    };
    ws.onerror = () => {};
  }

  /** The connection is up: resubscribe with `since`, send held publishes, start heartbeat and refresh. */
  #accepted(): void {
    this.#answered = true;
    this.#backoff.reset();
    this.#setState('open');
    for (const sub of this.subs.values()) if (sub.phase === 'idle') this.#sendSubscribe(sub);
    this.flush();
    this.#scheduleHeartbeat();
    this.refresher.schedule();
  }

  /** Gives up a socket that neither answers within timeoutMs nor after a heartbeat. */
  #armTimeout(ws: Socket): void {
    const startedAt = Date.now();
    cancel(this.#timers.heartbeat);
    this.#timers.heartbeat = later(() => {
      if (ws === this.#ws && this.#lastFrameAt < startedAt) {
        this.#lost(new ClientError('network', 'timeout', `no answer within ${this.#opts.timeoutMs} ms`));
      }
    }, this.#opts.timeoutMs);
  }

  #scheduleHeartbeat(): void {
    cancel(this.#timers.heartbeat);
    if (this.#opts.heartbeatMs <= 0) return;
    this.#timers.heartbeat = later(() => {
      const ws = this.#ws;
      if (!ws || !this.#answered) return;
      ws.send('{"type":"ping"}');
      this.#armTimeout(ws);
      const check = this.#timers.heartbeat;
      // After the answer's deadline passed without a drop, schedule the next ping.
      later(() => {
        if (this.#timers.heartbeat === check && ws === this.#ws) this.#scheduleHeartbeat();
      }, this.#opts.timeoutMs + 1);
    }, this.#opts.heartbeatMs);
  }

  /** Drops the socket (if still there) without waiting for its close event. */
  #teardown(code: number, reason: string): void {
    const ws = this.#ws;
    this.#ws = null;
    this.#answered = false;
    this.refresher.stop();
    for (const t of Object.values(this.#timers)) cancel(t);
    this.#timers = {};
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    try {
      ws.close(code, reason);
    } catch {}
  }

  /** The connection ended or could not open: decide between reconnecting and giving up. */
  #lost(err: ClientError): void {
    if (this.#state === 'closed') return;
    this.#teardown(4000, 'reconnecting');
    this.publishes.connectionLost();
    for (const sub of this.subs.values()) if (sub.phase !== 'ended') sub.phase = 'idle';
    const refused = err.kind === 'token_expired' || err.kind === 'unauthorized' || err.kind === 'forbidden';
    if (refused && !this.#credentials.renewable) {
      this.raise(err);
      this.#setState('closed', err);
      this.publishes.failAll(err);
      for (const sub of this.subs.values()) sub.end(err.code);
      this.subs.clear();
      return;
    }
    if (refused) this.#credentials.invalidate();
    // An expired token is routine with a token callback: fetch a new one and come back at once (the first
    // time: a callback handing out expired tokens gets the backoff like any other failure).
    const first = this.#backoff.attempt === 0;
    let delay = this.#backoff.next();
    if (err.kind === 'token_expired' && first) delay = 0;
    if (err.retryAfterMs !== undefined) delay = Math.max(delay, err.retryAfterMs);
    if (err.kind !== 'network' && err.kind !== 'draining') this.raise(err);
    this.#setState('reconnecting', err, delay);
    this.#timers.reconnect = later(() => void this.#open(), delay);
  }
}
