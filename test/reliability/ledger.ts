// What one subscriber saw of one channel, judged against the protocol's promise: every offset once and in
// order, or announced as lost (`recovered: false`, a `gap` frame). Offsets skipped without notice stay
// "silent" unless they arrive later (then they count as out of order); the tail is judged at the end.
export interface LedgerCounts {
  received: number;
  duplicates: number;
  outOfOrder: number;
  /** Offsets announced as not coming (recovered:false, gap frames). */
  told: number;
  toldEvents: number;
  /** Offsets never received and never announced. */
  silent: number;
  /** Protocol frames that contradict the rules (a gap starting past the next offset, ...). */
  anomalies: string[];
}

export class Ledger {
  #next = 1;
  readonly #seen = new Set<number>();
  readonly #holes = new Set<number>();
  readonly counts: LedgerCounts = {
    received: 0,
    duplicates: 0,
    outOfOrder: 0,
    told: 0,
    toldEvents: 0,
    silent: 0,
    anomalies: [],
  };

  /** The last offset this subscriber has (or was told it will not get): what it sends as `since`. */
  get since(): number {
    return this.#next - 1;
  }

  onSubscribed(offset: number, recovered: boolean): void {
    if (recovered) {
      if (offset < this.since) this.counts.anomalies.push(`recovered at ${offset} below since ${this.since}`);
      return;
    }
    if (offset >= this.#next) this.#tell(this.#next, offset);
  }

  onGap(from: number, to: number): void {
    if (from > this.#next) {
      this.counts.anomalies.push(`gap ${from}-${to} starts after the next offset ${this.#next}`);
      this.#skip(this.#next, from - 1);
    }
    if (to >= this.#next) this.#tell(Math.max(from, this.#next), to);
  }

  onMessage(offset: number): void {
    this.counts.received++;
    if (this.#seen.has(offset)) {
      this.counts.duplicates++;
      return;
    }
    this.#seen.add(offset);
    if (offset === this.#next) this.#next++;
    else if (offset > this.#next) {
      this.#skip(this.#next, offset - 1);
      this.#next = offset + 1;
    } else if (this.#holes.delete(offset)) this.counts.outOfOrder++;
  }

  /** Final judgement against the channel's last stored offset; returns the silent count. */
  settle(lastOffset: number): LedgerCounts {
    const tail = lastOffset >= this.#next ? lastOffset - this.#next + 1 : 0;
    return { ...this.counts, silent: this.#holes.size + tail };
  }

  caughtUp(lastOffset: number): boolean {
    return this.since >= lastOffset;
  }

  #tell(from: number, to: number): void {
    this.counts.told += to - from + 1;
    this.counts.toldEvents++;
    this.#next = to + 1;
  }

  #skip(from: number, to: number): void {
    for (let o = from; o <= to; o++) this.#holes.add(o);
  }
}
