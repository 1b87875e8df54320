// A subscriber as the protocol asks clients to behave: subscribes to its channels with `since`, records
// every offset in a per-channel ledger, retries refused subscribes, and on any close reconnects (to the same
// entry point: nginx or one replica) with capped exponential backoff and jitter, resuming from `since`.
import { WebSocket } from 'ws';
import { Ledger } from './ledger.js';

const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 4000;
const RESUBSCRIBE_MS = 1000;

export interface SubscriberStats {
  connects: number;
  closes: Record<string, number>;
  refusedUpgrades: Record<string, number>;
  errorFrames: Record<string, number>;
}

type Frame = { type?: unknown; channel?: unknown; offset?: unknown; recovered?: unknown } & Record<
  string,
  unknown
>;

export class LoadSubscriber {
  readonly ledgers = new Map<string, Ledger>();
  readonly stats: SubscriberStats = { connects: 0, closes: {}, refusedUpgrades: {}, errorFrames: {} };
  #ws: WebSocket | undefined;
  #attempt = 0;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly name: string,
    private readonly url: string,
    channels: string[],
    private readonly random: () => number,
  ) {
    for (const c of channels) this.ledgers.set(c, new Ledger());
  }

  start(): void {
    this.#connect();
  }

  get open(): boolean {
    return this.#ws?.readyState === WebSocket.OPEN;
  }

  #connect(): void {
    if (this.#stopped) return;
    const ws = new WebSocket(this.url, { perMessageDeflate: false, handshakeTimeout: 5000 });
    this.#ws = ws;
    const subscribed = new Set<string>();
    let opened = false;
    const subscribe = (channel: string) => {
      if (ws.readyState !== WebSocket.OPEN || subscribed.has(channel)) return;
      const since = this.ledgers.get(channel)?.since ?? 0;
      ws.send(JSON.stringify({ type: 'subscribe', channel, since }));
    };
    ws.on('open', () => {
      opened = true;
      this.stats.connects++;
      this.#attempt = 0;
      for (const channel of this.ledgers.keys()) subscribe(channel);
    });
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as Frame;
      const ledger = typeof f.channel === 'string' ? this.ledgers.get(f.channel) : undefined;
      if (f.type === 'message' && ledger) ledger.onMessage(Number(f.offset));
      else if (f.type === 'subscribed' && ledger) {
        subscribed.add(f.channel as string);
        ledger.onSubscribed(Number(f.offset), f.recovered === true);
      } else if (f.type === 'gap' && ledger) ledger.onGap(Number(f.from), Number(f.to));
      else if (f.type === 'error') {
        const code = String(f.code);
        this.stats.errorFrames[code] = (this.stats.errorFrames[code] ?? 0) + 1;
        // A refused subscribe (database or Redis unavailable) is retried on the same connection.
        if (ledger) setTimeout(() => subscribe(f.channel as string), RESUBSCRIBE_MS).unref();
      }
    });
    ws.on('error', (err) => {
      if (opened) return;
      const status = /Unexpected server response: (\d+)/.exec(err.message)?.[1];
      const key = status ?? err.message.slice(0, 40);
      this.stats.refusedUpgrades[key] = (this.stats.refusedUpgrades[key] ?? 0) + 1;
    });
    ws.on('close', (code) => {
      if (this.#stopped) return;
      if (opened) this.stats.closes[code] = (this.stats.closes[code] ?? 0) + 1;
      const delay = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** this.#attempt++);
      this.#timer = setTimeout(() => this.#connect(), delay * (0.5 + this.random()));
    });
  }

  /** True when every channel's ledger reached the given last offsets. */
  caughtUp(lastOffsets: Map<string, number>): boolean {
    for (const [channel, ledger] of this.ledgers)
      if (!ledger.caughtUp(lastOffsets.get(channel) ?? 0)) return false;
    return true;
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#ws?.terminate();
  }
}
