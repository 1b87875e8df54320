// Load process holding thousands of subscribed clients in one event loop. Driven over IPC by the harness:
// `open` adds clients, `close` drops some, `reset` zeroes counters, `snapshot` returns deliveries and the
// publish-to-receive latency histogram.

import { Histogram } from '../lib/stats.js';
import { type Client, now, type OpenSpec, openClient } from './clients.js';

const clients: Client[] = [];
const hist = new Histogram();
let received = 0;
let untimed = 0;
let errors = 0;
let firstError = '';
let firstAt = 0;
let lastAt = 0;

const hooks = {
  onMessage(t: number) {
    const at = now();
    received++;
    if (firstAt === 0) firstAt = at;
    lastAt = at;
    if (Number.isNaN(t)) untimed++;
    else hist.record(at - t);
  },
  onError(message: string) {
    errors++;
    if (!firstError) firstError = message;
  },
};

type OpenRequest = Omit<OpenSpec, 'localAddress'> & {
  count: number;
  concurrency: number;
  sourceAddresses: number;
};

async function open(req: OpenRequest) {
  const start = now();
  let next = 0;
  let opened = 0;
  let failed = 0;
  let openError = '';
  const worker = async () => {
    while (next < req.count) {
      const i = next++;
      const localAddress = req.sourceAddresses > 1 ? `127.0.0.${1 + (i % req.sourceAddresses)}` : undefined;
      try {
        clients.push(await openClient({ ...req, ...(localAddress ? { localAddress } : {}) }, hooks));
        opened++;
      } catch (err) {
        failed++;
        if (!openError) openError = err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, req.concurrency) }, worker));
  return { opened, failed, openError, ms: now() - start, total: clients.length };
}

function snapshot() {
  const open = clients.reduce((n, c) => n + (c.open ? 1 : 0), 0);
  return { received, untimed, errors, firstError, firstAt, lastAt, open, hist: hist.toSparse() };
}

process.on('message', async (msg: { id: number; op: string } & Record<string, unknown>) => {
  try {
    let reply: Record<string, unknown> = {};
    if (msg.op === 'open') reply = await open(msg as unknown as OpenRequest);
    else if (msg.op === 'close') {
      const count = Math.min(Number(msg.count), clients.length);
      for (const c of clients.splice(clients.length - count, count)) c.close();
      reply = { total: clients.length };
    } else if (msg.op === 'reset') {
      hist.reset();
      received = untimed = errors = firstAt = lastAt = 0;
      firstError = '';
    } else if (msg.op === 'snapshot') reply = snapshot();
    else if (msg.op === 'exit') {
      for (const c of clients) c.close();
      process.send?.({ id: msg.id });
      setTimeout(() => process.exit(0), 50);
      return;
    } else throw new Error(`unknown op ${msg.op}`);
    process.send?.({ id: msg.id, ...reply });
  } catch (err) {
    process.send?.({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
process.send?.({ event: 'ready' });
