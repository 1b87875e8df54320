// Publishes waiting for their `ack`: held while disconnected, sent in order on each open connection, and sent
// again after a reconnect until acknowledged. Every publish has an id, so a repeat never stores twice.
import { ClientError } from './errors.js';
import type { Ack } from './types.js';

interface Pending {
  id: string;
  channel: string;
  frame: string;
  sent: boolean;
  resolve: (ack: Ack) => void;
  reject: (err: ClientError) => void;
}

export class Publishes {
  readonly #pending = new Map<string, Pending>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.#pending.size;
  }

  add(channel: string, data: unknown, id: string): Promise<Ack> {
    if (this.#pending.has(id)) {
      return Promise.reject(
        new ClientError('invalid', 'duplicate_id', `a publish with id "${id}" is pending`),
      );
    }
    if (this.#pending.size >= this.max) {
      return Promise.reject(
        new ClientError('unavailable', 'queue_full', `${this.max} publishes are already waiting`),
      );
    }
    const frame = JSON.stringify({ type: 'publish', channel, data, id });
    return new Promise<Ack>((resolve, reject) => {
      this.#pending.set(id, { id, channel, frame, sent: false, resolve, reject });
    });
  }

  /** Frames not yet sent on the current connection, oldest first; they count as sent from now. */
  takeUnsent(): string[] {
    const out: string[] = [];
    for (const p of this.#pending.values()) {
      if (p.sent) continue;
      p.sent = true;
      out.push(p.frame);
    }
    return out;
  }

  /** The connection ended: whatever was not acknowledged goes again on the next one. */
  connectionLost(): void {
    for (const p of this.#pending.values()) p.sent = false;
  }

  /** A transient refusal: send this one again with the next batch. */
  retry(id: string): boolean {
    const p = this.#pending.get(id);
    if (!p) return false;
    p.sent = false;
    return true;
  }

  has(id: string): boolean {
    return this.#pending.has(id);
  }

  ack(a: Ack): void {
    const p = this.#pending.get(a.id);
    if (!p || p.channel !== a.channel) return;
    this.#pending.delete(a.id);
    p.resolve(a);
  }

  fail(id: string, err: ClientError): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    p.reject(err);
  }

  failAll(err: ClientError): void {
    for (const id of [...this.#pending.keys()]) this.fail(id, err);
  }
}
