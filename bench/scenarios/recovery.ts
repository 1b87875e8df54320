// Scenario 5: a subscriber misses N messages while disconnected, reconnects, and is timed until the last
// missed message arrives. paasport replays from Postgres (`subscribe` with `since`); the Socket.IO peer
// uses its connection-state recovery (in-memory adapter, the only kind that supports it besides streams).
import { io as ioClient, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import type { Params } from '../lib/options.js';
import { sleep } from '../lib/proc.js';
import { type Summary, summarize } from '../lib/stats.js';
import type { Deployment, Target } from '../targets/server.js';
import { centrifugoRecoveryRun } from './recovery-centrifugo.js';

export type RecoveryResult = { missed: number; ms: Summary; recovered: boolean[]; inOrder: boolean[] };

const now = () => performance.now();

function wsFrames(
  url: string,
): Promise<{ ws: WebSocket; next: (pred: (m: Frame) => boolean) => Promise<Frame> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const queue: Frame[] = [];
    let waiter: { pred: (m: Frame) => boolean; resolve: (m: Frame) => void } | undefined;
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as Frame;
      if (waiter?.pred(msg)) {
        const w = waiter;
        waiter = undefined;
        w.resolve(msg);
      } else queue.push(msg);
    });
    ws.on('error', reject);
    ws.on('open', () =>
      resolve({
        ws,
        next: (pred) =>
          new Promise((res, rej) => {
            const i = queue.findIndex(pred);
            if (i >= 0) return res(queue.splice(i, 1)[0]!);
            const timer = setTimeout(() => rej(new Error('recovery frame timed out')), 60_000);
            waiter = {
              pred,
              resolve: (m) => {
                clearTimeout(timer);
                res(m);
              },
            };
          }),
      }),
    );
  });
}

type Frame = { type: string; offset?: number; recovered?: boolean; code?: string; message?: string };

async function publishMany(url: string, channel: string, count: number): Promise<void> {
  const { ws, next } = await wsFrames(url);
  for (let i = 0; i < count; i++)
    ws.send(JSON.stringify({ type: 'publish', channel, data: { n: i }, id: `r${i}-${now()}` }));
  // The last ack means every message is committed (acks follow commits in order).
  let acks = 0;
  while (acks < count) {
    const f = await next((m) => m.type === 'ack' || m.type === 'error');
    if (f.type === 'error') throw new Error(`publish failed: ${f.code} ${f.message}`);
    acks++;
  }
  ws.close();
}

async function paasportRun(dep: Deployment, channel: string, missed: number) {
  const url = dep.servers[0]!.clientUrl;
  const first = await wsFrames(url);
  first.ws.send(JSON.stringify({ type: 'subscribe', channel }));
  const sub = await first.next((m) => m.type === 'subscribed' || m.type === 'error');
  if (sub.type === 'error') throw new Error(`subscribe failed: ${sub.code} ${sub.message}`);
  const since = Number(sub.offset);
  first.ws.terminate();
  await publishMany(url, channel, missed);
  const second = await wsFrames(url);
  const start = now();
  second.ws.send(JSON.stringify({ type: 'subscribe', channel, since }));
  const ack = await second.next((m) => m.type === 'subscribed' || m.type === 'error');
  if (ack.type === 'error') throw new Error(`resubscribe failed: ${ack.code} ${ack.message}`);
  let expected = since + 1;
  let inOrder = true;
  while (expected <= since + missed) {
    const m = await second.next((f) => f.type === 'message');
    if (m.offset !== expected) inOrder = false;
    expected = Number(m.offset) + 1;
  }
  const ms = now() - start;
  second.ws.terminate();
  return { ms, recovered: ack.recovered === true, inOrder };
}

async function socketIoRun(dep: Deployment, channel: string, missed: number) {
  const url = dep.servers[0]!.clientUrl;
  const opts = { transports: ['websocket'], forceNew: true, reconnection: false };
  const sub: Socket = ioClient(url, opts);
  const offsets: number[] = [];
  sub.on('message', (m: { offset: number }) => offsets.push(m.offset));
  await new Promise<void>((resolve) =>
    sub.on('connect', () => sub.emit('subscribe', channel, () => resolve())),
  );
  const pub: Socket = ioClient(url, opts);
  await new Promise<void>((resolve) => pub.on('connect', () => resolve()));
  // The client only sends a recovery offset once it has received a packet, as a live subscriber has.
  await pub.emitWithAck('publish', { channel, data: { n: -1 } });
  for (let i = 0; i < 1000 && offsets.length === 0; i++) await sleep(5);
  offsets.length = 0;
  // Closing the transport (not `disconnect()`) is what keeps the session recoverable.
  sub.io.engine.close();
  await sleep(100);
  for (let i = 0; i < missed; i++) await pub.emitWithAck('publish', { channel, data: { n: i } });
  pub.disconnect();
  const start = now();
  sub.connect();
  const deadline = start + 20_000;
  while (offsets.length < missed && now() < deadline) await sleep(1);
  const ms = now() - start;
  const inOrder = offsets.length === missed && offsets.every((o, i) => i === 0 || o === offsets[i - 1]! + 1);
  const recovered = sub.recovered;
  sub.disconnect();
  if (offsets.length < missed) throw new Error(`only ${offsets.length} of ${missed} missed messages arrived`);
  return { ms, recovered, inOrder };
}

export async function runRecovery(target: Target, p: Params, runs: number, log: (m: string) => void) {
  const dep = await target.deploy({ replicas: 1 });
  const times: number[] = [];
  const recovered: boolean[] = [];
  const inOrder: boolean[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const channel = `bench-recovery-${i}`;
      const r =
        dep.protocol === 'json'
          ? await paasportRun(dep, channel, p.recovery.missed)
          : dep.protocol === 'centrifugo'
            ? await centrifugoRecoveryRun(dep, channel, p.recovery.missed)
            : await socketIoRun(dep, channel, p.recovery.missed);
      times.push(r.ms);
      recovered.push(r.recovered);
      inOrder.push(r.inOrder);
      log(`${target.id}: replayed ${p.recovery.missed} in ${r.ms.toFixed(1)} ms (recovered ${r.recovered})`);
    }
  } finally {
    await dep.stop();
  }
  return { missed: p.recovery.missed, ms: summarize(times), recovered, inOrder } satisfies RecoveryResult;
}
