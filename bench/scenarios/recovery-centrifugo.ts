// Recovery against Centrifugo with its own protocol: subscribe with recovery, note the stream position
// (offset and epoch), disconnect, publish the missed messages through the HTTP batch API, then resubscribe
// with `recover` and time until the reply carrying every missed publication (Centrifugo returns them in it).
import { WebSocket } from 'ws';
import { now } from '../load/clients.js';
import type { Deployment } from '../targets/server.js';

type Reply = {
  id?: number;
  error?: { code: number; message: string };
  subscribe?: { epoch?: string; offset?: number; recovered?: boolean; publications?: { offset?: number }[] };
};

/** Sends connect + subscribe in one frame and resolves with the subscribe reply and the open socket. */
function subscribe(url: string, sub: Record<string, unknown>): Promise<{ ws: WebSocket; reply: Reply }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const timer = setTimeout(() => reject(new Error('centrifugo subscribe timed out')), 30_000);
    ws.on('open', () => ws.send(`{"id":1,"connect":{}}\n${JSON.stringify({ id: 2, subscribe: sub })}`));
    ws.on('message', (raw: Buffer) => {
      for (const text of raw.toString().split('\n')) {
        if (text === '{}') {
          ws.send('{}');
          continue;
        }
        const msg = JSON.parse(text) as Reply;
        if (msg.id !== 2) continue;
        clearTimeout(timer);
        if (msg.error) reject(new Error(`subscribe failed: ${msg.error.message}`));
        else resolve({ ws, reply: msg });
      }
    });
    ws.on('error', reject);
  });
}

async function publishBatch(dep: Deployment, channel: string, count: number): Promise<void> {
  const commands = Array.from({ length: count }, (_, n) => ({ publish: { channel, data: { n } } }));
  const res = await fetch(`${dep.servers[0]!.httpUrl}/api/batch`, {
    method: 'POST',
    headers: { 'x-api-key': dep.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ commands }),
  });
  const body = (await res.json()) as { replies?: { error?: { message: string } }[] };
  const failed = body.replies?.find((r) => r.error);
  if (!res.ok || failed || body.replies?.length !== count) {
    throw new Error(`centrifugo batch publish failed: ${res.status} ${failed?.error?.message ?? ''}`);
  }
}

export async function centrifugoRecoveryRun(dep: Deployment, channel: string, missed: number) {
  const url = dep.servers[0]!.clientUrl;
  const first = await subscribe(url, { channel, recover: true });
  const { epoch, offset = 0 } = first.reply.subscribe ?? {};
  first.ws.terminate();
  await publishBatch(dep, channel, missed);
  const start = now();
  const second = await subscribe(url, { channel, recover: true, offset, epoch });
  const ms = now() - start;
  second.ws.terminate();
  const pubs = second.reply.subscribe?.publications ?? [];
  if (pubs.length < missed) throw new Error(`only ${pubs.length} of ${missed} missed messages arrived`);
  const inOrder = pubs.every((p, i) => Number(p.offset) === offset + i + 1);
  return { ms, recovered: second.reply.subscribe?.recovered === true, inOrder };
}
