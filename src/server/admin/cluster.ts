// The replicas as the admin API sees them, over the bus: a light heartbeat (who is up, since when, how many
// sockets, draining or not) and request/reply (every replica answers a request about its own connections).
// Gathering waits for every replica seen by the heartbeat, bounded by a deadline; a silent one is reported.
import { randomUUID } from 'node:crypto';
import type { Bus } from '../drivers/bus/index.js';
import type { Logger } from '../logger.js';

export const HEARTBEAT_MS = 5000;
/** A replica not heard from for this long is no longer listed (three missed heartbeats). */
const STALE_MS = HEARTBEAT_MS * 3;

export interface ReplicaInfo {
  replica: string;
  version: string;
  startedAt: string;
  connections: number;
  draining: boolean;
  lastSeen: string;
}

type Handler = (args: unknown) => Promise<unknown> | unknown;

export interface Gathered<T> {
  /** One answer per replica that replied in time, this one included. */
  answers: { replica: string; result: T }[];
  /** Replicas seen by the heartbeat that did not answer before the deadline. */
  missing: string[];
}

type Envelope =
  | ({ type: 'heartbeat' } & Omit<ReplicaInfo, 'lastSeen'>)
  | { type: 'request'; id: string; from: string; op: string; args: unknown }
  | { type: 'reply'; id: string; replica: string; result: unknown };

export class Cluster {
  readonly id = randomUUID();
  readonly #seen = new Map<string, { info: Omit<ReplicaInfo, 'lastSeen'>; at: number }>();
  readonly #handlers = new Map<string, Handler>();
  readonly #pending = new Map<string, (replica: string, result: unknown) => void>();
  readonly #startedAt = new Date().toISOString();
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => Promise<void>)[] = [];

  constructor(
    private readonly bus: Bus,
    private readonly prefix: string,
    private readonly self: () => { version: string; connections: number; draining: boolean },
    private readonly log: Logger,
  ) {}

  get topic(): string {
    return `${this.prefix}admin`;
  }

  async start(): Promise<void> {
    const onPayload = (payload: string) => this.#receive(payload);
    this.#unsubscribe = await Promise.all([
      this.bus.subscribe(this.topic, onPayload),
      this.bus.subscribe(`${this.topic}:${this.id}`, onPayload),
    ]);
    this.#seen.set(this.id, { info: this.#info(), at: Date.now() });
    this.#beat();
    this.#timer = setInterval(() => this.#beat(), HEARTBEAT_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await Promise.allSettled(this.#unsubscribe.map((u) => u()));
  }

  /** Answers requests of this kind from any replica (this one included). */
  handle(op: string, handler: Handler): void {
    this.#handlers.set(op, handler);
  }

  /** Replicas heard from within the last three heartbeats, this one first. */
  replicas(): ReplicaInfo[] {
    const now = Date.now();
    this.#seen.set(this.id, { info: this.#info(), at: now });
    return [...this.#seen.entries()]
      .filter(([, s]) => now - s.at <= STALE_MS)
      .sort(([a], [b]) => (a === this.id ? -1 : b === this.id ? 1 : a.localeCompare(b)))
      .map(([, s]) => ({ ...s.info, lastSeen: new Date(s.at).toISOString() }));
  }

  /** Sends a request to every replica and collects the answers until all known replicas answered or timeoutMs. */
  async gather<T>(op: string, args: unknown, timeoutMs = 1500): Promise<Gathered<T>> {
    const id = randomUUID();
    const expected = new Set(this.replicas().map((r) => r.replica));
    const answers: Gathered<T>['answers'] = [];
    let finish: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    this.#pending.set(id, (replica, result) => {
      if (answers.some((a) => a.replica === replica)) return;
      answers.push({ replica, result: result as T });
      expected.delete(replica);
      if (expected.size === 0) finish();
    });
    const timer = setTimeout(finish, timeoutMs);
    try {
      await this.bus.publish(this.topic, JSON.stringify({ type: 'request', id, from: this.id, op, args }));
      await done;
    } finally {
      clearTimeout(timer);
      this.#pending.delete(id);
    }
    return { answers, missing: [...expected] };
  }

  #info(): Omit<ReplicaInfo, 'lastSeen'> {
    return { replica: this.id, startedAt: this.#startedAt, ...this.self() };
  }

  #beat(): void {
    const beat = JSON.stringify({ type: 'heartbeat', ...this.#info() });
    this.bus.publish(this.topic, beat).catch(() => {
      // The bus logs its own outage; the next beat tries again.
    });
    const now = Date.now();
    for (const [id, s] of this.#seen) if (now - s.at > STALE_MS * 4) this.#seen.delete(id);
  }

  #receive(payload: string): void {
    let msg: Envelope;
    try {
      msg = JSON.parse(payload) as Envelope;
    } catch {
      return;
    }
    if (msg.type === 'heartbeat') {
      const { type: _type, ...info } = msg;
      const known = this.#seen.has(info.replica);
      this.#seen.set(info.replica, { info, at: Date.now() });
      // A newcomer learns of this replica at once rather than at its next heartbeat.
      if (!known && info.replica !== this.id) this.#beat();
    } else if (msg.type === 'reply') {
      this.#pending.get(msg.id)?.(msg.replica, msg.result);
    } else if (msg.type === 'request') {
      void this.#answer(msg);
    }
  }

  async #answer(msg: Extract<Envelope, { type: 'request' }>): Promise<void> {
    const handler = this.#handlers.get(msg.op);
    if (!handler) return;
    try {
      const result = await handler(msg.args);
      const reply = JSON.stringify({ type: 'reply', id: msg.id, replica: this.id, result });
      await this.bus.publish(`${this.topic}:${msg.from}`, reply);
    } catch (err) {
      this.log.warn({ err, op: msg.op }, 'answering an admin request failed');
    }
  }
}
