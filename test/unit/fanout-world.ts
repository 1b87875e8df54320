// A world for unit tests of the real FanOut: one channel in a model of PostgreSQL (commits, retention,
// outages, read latency with the snapshot taken inside it), the in-process bus, the real Outbox writing to
// recording sockets, and manual timers. Subscribers check the delivery invariant themselves.
import { WebSocket } from 'ws';
import { type ChannelMetrics, createChannelMetrics } from '../../src/server/channels/channel-metrics.js';
import { FanOut, type FanOutStore, type Subscription } from '../../src/server/channels/fanout.js';
import { type Delivery, messageFrame, type StoredMessage } from '../../src/server/channels/frames.js';
import { Outbox, type Peer } from '../../src/server/channels/outbox.js';
import type { FillPage } from '../../src/server/channels/store.js';
import { createMemoryBus } from '../../src/server/drivers/bus/memory.js';
import { silentLogger } from '../../src/server/logger.js';
import { createMetrics } from '../../src/server/metrics.js';
import { ManualTimers } from '../helpers/manual-timers.js';

export interface Latency {
  /** From the call until the snapshot is taken. */
  snapshotMs: number;
  /** From the snapshot until the answer arrives. */
  replyMs: number;
}

export class ChannelDb implements FanOutStore {
  readonly stored = new Map<number, StoredMessage>();
  readonly pruned = new Set<number>();
  /** The `since` of every page read. */
  readonly reads: number[] = [];
  last = 0;
  /** Reads fail (connection refused). */
  down = false;
  /** Reads never answer. */
  hang = false;
  latency: () => Latency = () => ({ snapshotMs: 0, replyMs: 0 });

  constructor(
    private readonly timers: ManualTimers,
    readonly channel: string,
  ) {}

  /** Commits count messages and returns them as the publisher hands them to the fan-out. */
  commit(count = 1): Delivery[] {
    const out: Delivery[] = [];
    for (let i = 0; i < count; i++) {
      const m = { offset: ++this.last, id: `m${this.last}`, data: `{"n":${this.last}}`, ts: this.last };
      this.stored.set(m.offset, m);
      out.push({ offset: m.offset, frame: messageFrame(this.channel, m) });
    }
    return out;
  }

  /** Retention: deletes every stored offset up to upTo. */
  prune(upTo: number): void {
    for (const offset of [...this.stored.keys()]) {
      if (offset > upTo) continue;
      this.stored.delete(offset);
      this.pruned.add(offset);
    }
  }

  fillPage(channel: string, since: number, limit: number): Promise<FillPage> {
    if (channel !== this.channel) throw new Error(`unexpected channel ${channel}`);
    this.reads.push(since);
    const { snapshotMs, replyMs } = this.latency();
    return new Promise((resolve, reject) => {
      const read = () => {
        if (this.hang) return;
        if (this.down) {
          this.timers.setTimeout(() => reject(new Error('connect ECONNREFUSED')), replyMs);
          return;
        }
        const page = this.#snapshot(since, limit);
        this.timers.setTimeout(() => resolve(page), replyMs);
      };
      if (snapshotMs === 0) read();
      else this.timers.setTimeout(read, snapshotMs);
    });
  }

  async lastOffsets(channels: string[]): Promise<Map<string, number>> {
    if (this.down) throw new Error('connect ECONNREFUSED');
    return new Map(channels.includes(this.channel) && this.last > 0 ? [[this.channel, this.last]] : []);
  }

  #snapshot(since: number, limit: number): FillPage {
    const messages: StoredMessage[] = [];
    for (let o = since + 1; o <= this.last && messages.length < limit; o++) {
      const m = this.stored.get(o);
      if (m) messages.push(m);
    }
    let floor = this.last + 1;
    for (const offset of this.stored.keys()) floor = Math.min(floor, offset);
    return { messages, floor };
  }
}

export type Frame = { type: string; offset?: number; from?: number; to?: number; reason?: string };

/** A live subscriber whose socket records every frame written to it. */
export class Subscriber {
  readonly frames: Frame[] = [];
  readonly sub: Subscription;
  /** The offset attach returned: delivery starts after it. */
  start = 0;

  constructor(channel: string) {
    const ws = {
      readyState: WebSocket.OPEN,
      bufferedAmount: 0,
      extensions: '',
      send: (text: string) => this.frames.push(JSON.parse(text) as Frame),
    };
    const peer: Peer = { ws: ws as unknown as WebSocket, closing: false, onSlow: () => {} };
    this.sub = { peer, channel, presence: false, queue: null };
  }

  offsets(): number[] {
    return this.frames.filter((f) => f.type === 'message').map((f) => f.offset as number);
  }

  gaps(): Frame[] {
    return this.frames.filter((f) => f.type === 'gap');
  }

  /**
   * Breaches of the invariant: every offset after start up to last arrives once and in order, or inside a
   * gap frame that `justified` accepts.
   */
  violations(last: number, justified: (gap: Frame) => boolean): string[] {
    const problems: string[] = [];
    let cursor = this.start;
    for (const f of this.frames) {
      if (f.type === 'message') {
        if (f.offset !== cursor + 1) problems.push(`message ${f.offset} after ${cursor}`);
        cursor = Math.max(cursor, f.offset as number);
      } else if (f.type === 'gap') {
        const { from = 0, to = 0 } = f;
        if (from !== cursor + 1 || to < from) problems.push(`gap ${from}-${to} after ${cursor}`);
        if (!justified(f)) problems.push(`unjustified gap ${from}-${to} (${f.reason})`);
        cursor = Math.max(cursor, to);
      }
    }
    if (cursor !== last) problems.push(`stopped at ${cursor}, last committed is ${last}`);
    return problems;
  }
}

export class World {
  readonly channel = 'room-1';
  readonly timers = new ManualTimers();
  readonly db = new ChannelDb(this.timers, this.channel);
  readonly bus = createMemoryBus();
  readonly metrics: ChannelMetrics = createChannelMetrics(createMetrics());
  readonly fanout = new FanOut(
    this.bus,
    this.db,
    new Outbox(1 << 20),
    'test:',
    this.metrics,
    silentLogger(),
    this.timers,
  );

  /** Subscribes a live subscriber (no replay) as a WebSocket session would. */
  async subscribe(): Promise<Subscriber> {
    const s = new Subscriber(this.channel);
    s.start = await this.fanout.attach(s.sub);
    this.fanout.release(s.sub);
    return s;
  }

  /** Sends deliveries over the bus as one payload, in the publisher's format. */
  async deliver(deliveries: Delivery[]): Promise<void> {
    const payload = deliveries.map((d) => `${d.offset} ${d.frame}`).join('\n');
    await this.bus.publish(this.fanout.topic(this.channel), payload);
  }

  async lost(reason: string): Promise<number> {
    const metric = await this.metrics.lostOffsets.get();
    return metric.values.find((v) => v.labels.reason === reason)?.value ?? 0;
  }
}
