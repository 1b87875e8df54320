// Reconnect delays: exponential backoff with full jitter (a uniform pick between 0 and the bound), so clients
// dropped together by a restart do not come back together.

export class Backoff {
  #attempt = 0;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  get attempt(): number {
    return this.#attempt;
  }

  /** The delay before the next attempt; each call doubles the bound, up to maxMs. */
  next(): number {
    const bound = Math.min(this.maxMs, this.minMs * 2 ** this.#attempt);
    this.#attempt = Math.min(this.#attempt + 1, 30);
    return Math.floor(this.random() * bound);
  }

  /** After a connection proved healthy. */
  reset(): void {
    this.#attempt = 0;
  }
}
