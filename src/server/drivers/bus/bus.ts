// Bus contract: cross-replica pub/sub. Redis in production, in-process memory for a single replica.
// Delivery is at-most-once; consumers that need every message (channels) fill gaps from PostgreSQL.

export type BusListener = (payload: string) => void;

export interface Bus {
  readonly driver: 'redis' | 'memory';
  /** Sends payload to every replica subscribed to topic (this one included). Rejects when the bus is down. */
  publish(topic: string, payload: string): Promise<void>;
  /** Adds a listener; the returned function removes it. Several listeners may share a topic. */
  subscribe(topic: string, listener: BusListener): Promise<() => Promise<void>>;
  /**
   * Registers a callback run after the subscription connection was lost and re-established, or replaced
   * after failed liveness probes: messages published meanwhile were missed and must be recovered.
   */
  onResync(listener: () => void): () => void;
  /** Round trip to the bus; rejects when it cannot currently deliver. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Keeps topic -> listeners and reports when a topic gains its first or loses its last listener. */
export class TopicListeners {
  readonly #topics = new Map<string, Set<BusListener>>();

  add(topic: string, listener: BusListener): boolean {
    let set = this.#topics.get(topic);
    const first = set === undefined;
    if (!set) {
      set = new Set();
      this.#topics.set(topic, set);
    }
    set.add(listener);
    return first;
  }

  remove(topic: string, listener: BusListener): boolean {
    const set = this.#topics.get(topic);
    if (!set?.delete(listener)) return false;
    if (set.size > 0) return false;
    this.#topics.delete(topic);
    return true;
  }

  emit(topic: string, payload: string): void {
    const set = this.#topics.get(topic);
    if (!set) return;
    for (const listener of [...set]) listener(payload);
  }

  topics(): string[] {
    return [...this.#topics.keys()];
  }
}
