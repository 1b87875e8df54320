// Drives the WebSocket fuzz: frames in batches of 50 on one socket, each batch followed by an application
// ping that must be answered on that same socket (so the server survived and still reads it). Frames that
// must close the connection go last in their batch, after the ping; their close code is recorded.
import { WebSocket } from 'ws';
import { fuzzFrame } from './fuzz-frames.js';
import type { Random } from './random.js';
import type { FuzzTarget } from './results.js';

const BATCH = 50;
const ANSWER_MS = 10_000;

interface Socket {
  ws: WebSocket;
  pongs: Set<string>;
  closed: Promise<number>;
}

function open(url: string, apiKey: string, t: FuzzTarget, onPong: () => void): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      headers: { authorization: `Bearer ${apiKey}` },
    });
    const pongs = new Set<string>();
    const closed = new Promise<number>((res) =>
      ws.on('close', (code) => {
        t.closes[code] = (t.closes[code] ?? 0) + 1;
        res(code);
      }),
    );
    ws.on('message', (raw) => {
      const f = JSON.parse(String(raw)) as { type?: string; code?: string; id?: unknown };
      const key = f.type === 'error' ? `error ${f.code}` : String(f.type);
      t.answers[key] = (t.answers[key] ?? 0) + 1;
      if (f.code === 'internal') t.internalFrames++;
      if (f.type === 'pong' && typeof f.id === 'string') {
        pongs.add(f.id);
        onPong();
      }
    });
    ws.once('open', () => resolve({ ws, pongs, closed }));
    ws.once('error', reject);
  });
}

async function until(pred: () => boolean, wake: { fn: () => void }, ms: number): Promise<boolean> {
  if (pred()) return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(pred()), ms);
    wake.fn = () => {
      if (!pred()) return;
      clearTimeout(timer);
      resolve(true);
    };
  });
}

export async function fuzzWebSocket(
  base: string,
  apiKey: string,
  count: number,
  r: Random,
): Promise<FuzzTarget> {
  const t: FuzzTarget = {
    target: 'WebSocket frames',
    cases: 0,
    answers: {},
    http5xx: 0,
    internalFrames: 0,
    closes: {},
    pingsAnswered: 0,
    pingsSent: 0,
    examples5xx: [],
  };
  const wake = { fn: () => {} };
  const url = `${base}/v1/ws`;
  let sock = await open(url, apiKey, t, () => wake.fn());
  for (let batch = 0; t.cases < count; batch++) {
    let killer: ReturnType<typeof fuzzFrame> | undefined;
    for (let k = 0; k < BATCH && t.cases < count; k++) {
      const f = fuzzFrame(r);
      t.cases++;
      if (f.closes !== undefined && !killer) killer = f;
      else if (f.closes === undefined) sock.ws.send(f.data, { binary: f.binary });
      else t.cases--;
    }
    const probe = `probe-${batch}`;
    t.pingsSent++;
    if (sock.ws.readyState === WebSocket.OPEN) sock.ws.send(JSON.stringify({ type: 'ping', id: probe }));
    if (await until(() => sock.pongs.has(probe), wake, ANSWER_MS)) t.pingsAnswered++;
    if (killer || sock.ws.readyState !== WebSocket.OPEN) {
      if (killer) sock.ws.send(killer.data, { binary: killer.binary });
      const code = await Promise.race([
        sock.closed,
        new Promise<number>((res) => setTimeout(() => res(-1), 5000).unref()),
      ]);
      if (killer && code !== killer.closes) {
        const key = `${killer.kind}: close ${code}, expected ${killer.closes}`;
        t.answers[key] = (t.answers[key] ?? 0) + 1;
      }
      sock.ws.terminate();
      sock = await open(url, apiKey, t, () => wake.fn());
    }
  }
  // A WebSocket-level ping too: the library answers it only if the event loop is healthy.
  t.pingsSent++;
  const pong = new Promise<boolean>((res) => {
    sock.ws.once('pong', () => res(true));
    setTimeout(() => res(false), ANSWER_MS).unref();
  });
  sock.ws.ping();
  if (await pong) t.pingsAnswered++;
  sock.ws.terminate();
  return t;
}
