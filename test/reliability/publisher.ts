// The load publisher: a steady rate of messages with idempotency ids over busy channels, each sent through
// the next lane in turn (nginx, every replica, HTTP and WebSocket). A failed or unanswered attempt is
// retried with the same id on the following lane, with capped backoff, a bounded number of times.
import type { Lane, Outcome } from './publish-lanes.js';

const MAX_ATTEMPTS = 10;
const RETRY_WINDOW_MS = 45_000;
const MAX_IN_FLIGHT = 300;
const TICK_MS = 50;

export interface IdRecord {
  id: string;
  channel: string;
  attempts: { lane: string; outcome: Outcome; ms: number }[];
  /** Offsets of every acknowledgement: more than one means the same id was acknowledged twice differently. */
  acked: Set<number>;
  done: boolean;
}

/** HTTP statuses and WebSocket codes that tell the client to try again later. */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const RETRYABLE_CODES = new Set(['publish_failed', 'unavailable', 'rate_limited', 'draining']);

export function isRetryable(o: Outcome): boolean {
  if (o.kind !== 'error') return true;
  return o.status === 0 ? RETRYABLE_CODES.has(o.code) : RETRYABLE_STATUS.has(o.status);
}

export class LoadPublisher {
  readonly records = new Map<string, IdRecord>();
  skipped = 0;
  #n = 0;
  #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(
    private readonly lanes: Lane[],
    private readonly channels: string[],
    private readonly idPrefix: string,
    private readonly perSecond: number,
    private readonly random: () => number,
  ) {}

  start(): void {
    let carry = 0;
    this.#timer = setInterval(() => {
      carry += (this.perSecond * TICK_MS) / 1000;
      for (; carry >= 1; carry--) this.#issue();
    }, TICK_MS);
  }

  #issue(): void {
    if (this.#inFlight.size >= MAX_IN_FLIGHT) {
      this.skipped++;
      return;
    }
    const n = this.#n++;
    const channel = this.channels[n % this.channels.length] as string;
    const record: IdRecord = {
      id: `${this.idPrefix}-${n}`,
      channel,
      attempts: [],
      acked: new Set(),
      done: false,
    };
    this.records.set(record.id, record);
    const work = this.#deliver(record, n).finally(() => this.#inFlight.delete(work));
    this.#inFlight.add(work);
  }

  async #deliver(r: IdRecord, n: number): Promise<void> {
    const first = Date.now();
    const data = { n, at: first, text: 'reliability '.repeat(8) };
    for (let k = 0; k < MAX_ATTEMPTS; k++) {
      // A WebSocket lane that is reconnecting is passed over: nothing would be sent on it.
      const order = this.lanes.map((_, j) => this.lanes[(n + k + j) % this.lanes.length] as Lane);
      const lane = order.find((l) => l.connected()) ?? (order[0] as Lane);
      const sent = Date.now();
      const outcome = await lane.send(r.channel, r.id, data);
      r.attempts.push({ lane: lane.name, outcome, ms: Date.now() - sent });
      if (outcome.kind === 'ack') {
        r.acked.add(outcome.offset);
        break;
      }
      // Retrying is always safe with an id; a refusal that says otherwise is recorded, and still retried.
      if (Date.now() - first > RETRY_WINDOW_MS || this.#stopped) break;
      const backoff = Math.min(3000, 200 * 2 ** k) * (0.5 + this.random());
      await new Promise((res) => setTimeout(res, backoff));
    }
    r.done = true;
  }

  /** Stops issuing new ids and waits (bounded) for the retries of the ones in flight. */
  async stop(timeoutMs = RETRY_WINDOW_MS + 15_000): Promise<void> {
    clearInterval(this.#timer);
    // Unref'd: a deadline that is not needed any more must not hold the process open.
    const deadline = new Promise((res) => setTimeout(res, timeoutMs).unref());
    await Promise.race([Promise.all([...this.#inFlight]), deadline]);
    this.#stopped = true;
    await Promise.race([
      Promise.all([...this.#inFlight]),
      new Promise((res) => setTimeout(res, 8000).unref()),
    ]);
    for (const lane of this.lanes) lane.close();
  }
}
