// Load process that publishes at a steady rate over one connection, stamping each message's data with its
// wall-clock send time `t` so subscribers can measure publish-to-receive latency. IPC op: `run`.
// Connections stay open between runs and a run ends only when every publish is acknowledged: closing
// early would let a busy server drop publishes it had not read yet (Socket.IO drops events of a socket
// that disconnected before they were dispatched).
import { io as ioClient } from 'socket.io-client';
import { WebSocket } from 'ws';
import { now, type Protocol } from './clients.js';

type RunRequest = {
  url: string;
  protocol: Protocol;
  channel: string;
  rate: number;
  messages: number;
  payloadBytes: number;
};

type Sender = { send(frame: Record<string, unknown>): void; close(): void };
type Counters = { acks: number; errors: number; firstError: string };

const senders = new Map<string, Sender>();
const counters: Counters = { acks: 0, errors: 0, firstError: '' };

function fail(m: string): void {
  counters.errors++;
  if (!counters.firstError) counters.firstError = m;
}

function connect(req: RunRequest): Promise<Sender> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('publisher connect timed out')), 15_000);
    if (req.protocol === 'centrifugo') {
      // Centrifugo's client publish: a command with an id, answered by a reply with the same id.
      const ws = new WebSocket(req.url, { perMessageDeflate: false });
      let nextId = 2;
      ws.on('open', () => {
        ws.send('{"id":1,"connect":{}}');
        clearTimeout(timer);
        resolve({
          send: ({ channel, data }) => ws.send(JSON.stringify({ id: nextId++, publish: { channel, data } })),
          close: () => ws.close(),
        });
      });
      ws.on('message', (raw: Buffer) => {
        for (const text of raw.toString().split('\n')) {
          if (text === '{}') {
            ws.send('{}');
            continue;
          }
          const msg = JSON.parse(text) as { id?: number; error?: { message: string } };
          if (msg.error) fail(msg.error.message);
          else if (msg.id !== undefined && msg.id > 1) counters.acks++;
        }
      });
      ws.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      ws.on('close', () => senders.delete(req.url));
      return;
    }
    if (req.protocol === 'json') {
      const ws = new WebSocket(req.url, { perMessageDeflate: false });
      ws.on('open', () => {
        clearTimeout(timer);
        resolve({ send: (f) => ws.send(JSON.stringify({ type: 'publish', ...f })), close: () => ws.close() });
      });
      ws.on('message', (data: Buffer) => {
        const msg = JSON.parse(data.toString()) as { type?: string; code?: string; message?: string };
        if (msg.type === 'ack') counters.acks++;
        else if (msg.type === 'error') fail(`${msg.code}: ${msg.message}`);
      });
      ws.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      ws.on('close', () => senders.delete(req.url));
      return;
    }
    const socket = ioClient(req.url, { transports: ['websocket'], forceNew: true, reconnection: false });
    socket.on('connect', () => {
      clearTimeout(timer);
      resolve({
        send: (f) =>
          socket.emit('publish', f, (r: { error?: string }) => (r?.error ? fail(r.error) : counters.acks++)),
        close: () => socket.disconnect(),
      });
    });
    socket.on('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('disconnect', () => senders.delete(req.url));
  });
}

async function run(req: RunRequest) {
  let sender = senders.get(req.url);
  if (!sender) {
    sender = await connect(req);
    senders.set(req.url, sender);
  }
  Object.assign(counters, { acks: 0, errors: 0, firstError: '' });
  const pad = 'x'.repeat(Math.max(0, req.payloadBytes));
  const total = Math.max(1, req.messages);
  const interval = 1000 / req.rate;
  const startedAt = now();
  let sent = 0;
  // Sends on an absolute schedule so timer jitter does not lower the rate; late ticks catch up.
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor((now() - startedAt) / interval) + 1);
      while (sent < due) sender.send({ channel: req.channel, data: { t: now(), n: sent++, p: pad } });
      if (sent >= total) return resolve();
      setTimeout(tick, Math.max(0, startedAt + sent * interval - now()));
    };
    tick();
  });
  const endedAt = now();
  for (let i = 0; i < 3000 && counters.acks + counters.errors < sent; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  return { sent, startedAt, endedAt, ...counters };
}

process.on('message', async (msg: { id: number; op: string } & Record<string, unknown>) => {
  try {
    if (msg.op === 'exit') {
      for (const s of senders.values()) s.close();
      process.send?.({ id: msg.id });
      setTimeout(() => process.exit(0), 50);
      return;
    }
    if (msg.op !== 'run') throw new Error(`unknown op ${msg.op}`);
    process.send?.({ id: msg.id, ...(await run(msg as unknown as RunRequest)) });
  } catch (err) {
    process.send?.({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
process.send?.({ event: 'ready' });
