// Webhooks as Pusher sends them: events of an app gather for a short window, then one POST per target
// carries `{time_ms, events}` signed with the app secret (X-Pusher-Key, X-Pusher-Signature). Failed posts
// are retried with doubling backoff a bounded number of times; none of it ever waits in the delivery path.
import type { Logger } from '../logger.js';
import type { PusherApp } from './apps.js';
import { sign } from './signature.js';

export interface WebhookEvent {
  name: string;
  channel: string;
  [field: string]: unknown;
}

export interface WebhookOptions {
  batchMs: number;
  retries: number;
  /** First retry delay; doubles each attempt. */
  backoffMs?: number;
  timeoutMs?: number;
}

export class Webhooks {
  readonly #pending = new Map<PusherApp, WebhookEvent[]>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #inflight = new Set<Promise<void>>();
  #stopped = false;

  constructor(
    private readonly opts: WebhookOptions,
    private readonly log: Logger,
  ) {}

  emit(app: PusherApp, event: WebhookEvent): void {
    if (this.#stopped || app.webhooks.length === 0) return;
    let queue = this.#pending.get(app);
    if (!queue) {
      queue = [];
      this.#pending.set(app, queue);
      this.#later(() => this.#flush(app), this.opts.batchMs);
    }
    queue.push(event);
  }

  #later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.#timers.add(t);
  }

  #flush(app: PusherApp): void {
    const events = this.#pending.get(app) ?? [];
    this.#pending.delete(app);
    for (const target of app.webhooks) {
      const chosen = target.eventTypes ? events.filter((e) => target.eventTypes?.includes(e.name)) : events;
      if (chosen.length === 0) continue;
      const body = JSON.stringify({ time_ms: Date.now(), events: chosen });
      this.#attempt(app, target.url, body, 0);
    }
  }

  #attempt(app: PusherApp, url: string, body: string, attempt: number): void {
    const p = this.#post(app, url, body).then(
      () => {},
      (err: unknown) => {
        if (this.#stopped || attempt >= this.opts.retries) {
          this.log.warn({ err: String(err), url, attempts: attempt + 1 }, 'webhook not delivered');
          return;
        }
        const delay = (this.opts.backoffMs ?? 1000) * 2 ** attempt;
        this.log.debug({ err: String(err), url, delay }, 'webhook failed, retrying');
        this.#later(() => this.#attempt(app, url, body, attempt + 1), delay);
      },
    );
    this.#inflight.add(p);
    void p.finally(() => this.#inflight.delete(p));
  }

  async #post(app: PusherApp, url: string, body: string): Promise<void> {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-pusher-key': app.key,
        'x-pusher-signature': sign(app.secret, body),
      },
      body,
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status < 200 || res.status >= 300) throw new Error(`webhook answered ${res.status}`);
  }

  /** Sends what is gathered once (no more retries) and waits for posts in flight, bounded by their timeout. */
  async stop(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const app of [...this.#pending.keys()]) this.#flush(app);
    this.#stopped = true;
    await Promise.allSettled([...this.#inflight]);
  }
}
