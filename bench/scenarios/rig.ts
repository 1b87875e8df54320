// The WebSocket load rig shared by the fan-out, memory and cross-replica scenarios: one subscriber
// process holding every client, one publisher process, and a measured round (publish at a steady rate,
// wait for delivery to drain, read deliveries, latency and CPU of each side).

import { servicesCpuMs } from '../lib/machine.js';
import { Child, cpuMs, sleep } from '../lib/proc.js';
import { Histogram, type SparseHistogram } from '../lib/stats.js';
import type { Protocol } from '../load/clients.js';
import type { Server } from '../targets/server.js';

const loadScript = (file: string) => new URL(`../load/${file}`, import.meta.url).pathname;

type Snapshot = {
  received: number;
  untimed: number;
  errors: number;
  firstError: string;
  lastAt: number;
  open: number;
  hist: SparseHistogram;
};
type PublishResult = {
  sent: number;
  acks: number;
  startedAt: number;
  endedAt: number;
  errors: number;
  firstError: string;
};

export type Round = {
  subscribers: number;
  rate: number;
  sent: number;
  acked: number;
  received: number;
  deliveredRatio: number;
  deliveriesPerSec: number;
  serverCpuUsPerDelivery: number;
  servicesCpuUsPerDelivery: number;
  loadCpuUsPerDelivery: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  firstError: string;
};

export class Rig {
  readonly subs: Child;
  readonly pub: Child;
  private count = 0;

  private constructor(name: string) {
    this.subs = new Child(loadScript('subscribers.ts'), [], { name: `${name}-subscribers`, tsx: true });
    this.pub = new Child(loadScript('publisher.ts'), [], { name: `${name}-publisher`, tsx: true });
  }

  static async start(name: string): Promise<Rig> {
    const rig = new Rig(name);
    await Promise.all([rig.subs.waitEvent('ready'), rig.pub.waitEvent('ready')]);
    return rig;
  }

  get subscribers(): number {
    return this.count;
  }

  /** Opens `count` more subscribed clients on `url`; throws if any fails (a partial rig would mislead). */
  async open(url: string, protocol: Protocol, channel: string, count: number): Promise<number> {
    const r = await this.subs.request<{ opened: number; failed: number; openError: string; ms: number }>(
      'open',
      // Beyond ~25k sockets one source address runs out of ephemeral ports; spread over 127.0.0.x.
      {
        url,
        protocol,
        channel,
        count,
        concurrency: 200,
        timeoutMs: 30_000,
        sourceAddresses: count > 25_000 ? 4 : 1,
      },
      300_000,
    );
    this.count += r.opened;
    if (r.failed > 0) throw new Error(`${r.failed} of ${count} subscribers failed: ${r.openError}`);
    return r.ms;
  }

  async closeSome(count: number): Promise<void> {
    await this.subs.request('close', { count });
    this.count -= count;
  }

  /** Publishes `messages` at `rate` msgs/s on `publishUrl`, then waits (bounded) for deliveries to drain. */
  async round(opts: {
    servers: Server[];
    publishUrl: string;
    protocol: Protocol;
    channel: string;
    rate: number;
    messages: number;
    payloadBytes: number;
    drainMs: number;
  }): Promise<Round> {
    await this.subs.request('reset');
    const pids = opts.servers.map((s) => s.child.pid);
    const serverCpu = () => pids.reduce((t, pid) => t + cpuMs(pid), 0);
    const loadCpu = () => cpuMs(this.subs.pid) + cpuMs(this.pub.pid);
    const [s0, l0, v0] = [serverCpu(), loadCpu(), servicesCpuMs()];
    const pub = await this.pub.request<PublishResult>(
      'run',
      {
        url: opts.publishUrl,
        protocol: opts.protocol,
        channel: opts.channel,
        rate: opts.rate,
        messages: opts.messages,
        payloadBytes: opts.payloadBytes,
      },
      (opts.messages / opts.rate) * 1000 + 45_000,
    );
    const expected = pub.sent * this.count;
    let snap = await this.subs.request<Snapshot>('snapshot');
    const drainStart = performance.now();
    let lastProgress = performance.now();
    while (snap.received < expected && performance.now() - drainStart < opts.drainMs) {
      await sleep(100);
      const next = await this.subs.request<Snapshot>('snapshot');
      if (next.received > snap.received) lastProgress = performance.now();
      snap = next;
      if (performance.now() - lastProgress > 3_000) break;
    }
    const [s1, l1, v1] = [serverCpu(), loadCpu(), servicesCpuMs()];
    const hist = Histogram.from([snap.hist]);
    const seconds = Math.max(1e-3, (snap.lastAt - pub.startedAt) / 1000);
    const perDelivery = (ms: number) =>
      snap.received > 0 ? (Math.max(0, ms) * 1000) / snap.received : Number.NaN;
    return {
      subscribers: this.count,
      rate: opts.rate,
      sent: pub.sent,
      acked: pub.acks,
      received: snap.received,
      deliveredRatio: expected > 0 ? snap.received / expected : 0,
      deliveriesPerSec: snap.received / seconds,
      serverCpuUsPerDelivery: perDelivery(s1 - s0),
      servicesCpuUsPerDelivery: perDelivery(v1 - v0),
      loadCpuUsPerDelivery: perDelivery(l1 - l0),
      p50Ms: hist.quantile(0.5),
      p99Ms: hist.quantile(0.99),
      maxMs: hist.max,
      errors: snap.errors + pub.errors,
      firstError: pub.firstError || snap.firstError,
    };
  }

  async stop(): Promise<void> {
    await this.subs.request('exit', {}, 10_000).catch(() => {});
    await this.pub.request('exit', {}, 10_000).catch(() => {});
    await Promise.all([this.subs.stop(), this.pub.stop()]);
  }
}
