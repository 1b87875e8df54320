// Load process that publishes at a steady rate over one connection, stamping each message's data with its
// wall-clock send time `t` so subscribers can measure publish-to-receive latency. IPC op: `run`.
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

function connect(req: RunRequest, onError: (m: string) => void): Promise<Sender> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('publisher connect timed out')), 15_000);
    if (req.protocol === 'json') {
      const ws = new WebSocket(req.url, { perMessageDeflate: false });
      ws.on('open', () => {
        clearTimeout(timer);
        resolve({ send: (f) => ws.send(JSON.stringify({ type: 'publish', ...f })), close: () => ws.close() });
      });
      ws.on('message', (data: Buffer) => {
        const msg = JSON.parse(data.toString()) as { type?: string; code?: string; message?: string };
        if (msg.type === 'error') onError(`${msg.code}: ${msg.message}`);
      });
      ws.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      return;
    }
    const socket = ioClient(req.url, { transports: ['websocket'], forceNew: true, reconnection: false });
    socket.on('connect', () => {
      clearTimeout(timer);
      resolve({ send: (f) => socket.emit('publish', f), close: () => socket.disconnect() });
    });
    socket.on('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

async function run(req: RunRequest) {
  let errors = 0;
  let firstError = '';
  const sender = await connect(req, (m) => {
    errors++;
    if (!firstError) firstError = m;
  });
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
  // Let the last frames leave (and errors arrive) before closing.
  await new Promise((r) => setTimeout(r, 200));
  sender.close();
  return { sent, startedAt, endedAt, errors, firstError };
}

process.on('message', async (msg: { id: number; op: string } & Record<string, unknown>) => {
  try {
    if (msg.op !== 'run') throw new Error(`unknown op ${msg.op}`);
    process.send?.({ id: msg.id, ...(await run(msg as unknown as RunRequest)) });
  } catch (err) {
    process.send?.({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
process.send?.({ event: 'ready' });
