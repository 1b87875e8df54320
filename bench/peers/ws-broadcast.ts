// Peer: a bare `ws` broadcast server speaking paasport's JSON frames (subscribe/publish/message), as a
// Node user would write it. `naive` sends per subscriber; `batched` frames each message once and corks
// every socket until the next macrotask so a burst of messages leaves in one write per socket.
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import * as wsModule from 'ws';
import { WebSocket, WebSocketServer } from 'ws';

// `Sender.frame` is exported by ws (static since ws 2.x) but missing from @types/ws.
type FrameOptions = { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean };
const { Sender } = wsModule as unknown as { Sender: { frame(data: Buffer, opts: FrameOptions): Buffer[] } };

type Mode = 'naive' | 'batched';
const mode = (process.argv[2] ?? 'naive') as Mode;
if (mode !== 'naive' && mode !== 'batched') throw new Error(`unknown mode ${mode}`);
const port = Number(process.env.PORT ?? 0);

type Channel = { offset: number; subscribers: Set<WebSocket> };
const channels = new Map<string, Channel>();
const subscriptions = new WeakMap<WebSocket, Set<Channel>>();

function channel(name: string): Channel {
  let ch = channels.get(name);
  if (!ch) {
    ch = { offset: 0, subscribers: new Set() };
    channels.set(name, ch);
  }
  return ch;
}

// `_sender` and `_socket` are ws internals; Socket.IO's adapter relies on the same pair for pre-framed sends.
type Internals = { _sender: { sendFrame(list: Buffer[]): void }; _socket: Socket };
const corked = new Set<WebSocket>();
let uncorkScheduled = false;

function uncorkAll(): void {
  uncorkScheduled = false;
  for (const ws of corked) (ws as unknown as Internals)._socket.uncork();
  corked.clear();
}

function broadcast(ch: Channel, text: string): void {
  if (mode === 'naive') {
    for (const ws of ch.subscribers) if (ws.readyState === WebSocket.OPEN) ws.send(text);
    return;
  }
  const frame = Sender.frame(Buffer.from(text), {
    fin: true,
    opcode: 1,
    mask: false,
    readOnly: true,
    rsv1: false,
  });
  for (const ws of ch.subscribers) {
    if (ws.readyState !== WebSocket.OPEN) continue;
    const inner = ws as unknown as Internals;
    if (!corked.has(ws)) {
      inner._socket.cork();
      corked.add(ws);
    }
    inner._sender.sendFrame(frame);
  }
  if (!uncorkScheduled && corked.size > 0) {
    uncorkScheduled = true;
    setImmediate(uncorkAll);
  }
}

function send(ws: WebSocket, frame: Record<string, unknown>): void {
  ws.send(JSON.stringify(frame));
}

function onFrame(ws: WebSocket, raw: Buffer): void {
  let msg: Record<string, unknown>;
  try {
    msg = JSON.parse(raw.toString());
  } catch {
    send(ws, { type: 'error', code: 'bad_json', message: 'frame is not JSON' });
    return;
  }
  const name = typeof msg.channel === 'string' ? msg.channel : '';
  switch (msg.type) {
    case 'subscribe': {
      const ch = channel(name);
      ch.subscribers.add(ws);
      subscriptions.get(ws)?.add(ch);
      send(ws, { type: 'subscribed', channel: name, offset: ch.offset, recovered: false });
      return;
    }
    case 'publish': {
      const ch = channel(name);
      const offset = ++ch.offset;
      const id = typeof msg.id === 'string' ? msg.id : `${name}-${offset}`;
      const out = { type: 'message', channel: name, offset, id, data: msg.data, ts: Date.now() };
      broadcast(ch, JSON.stringify(out));
      send(ws, { type: 'ack', id, offset });
      return;
    }
    case 'ping':
      send(ws, { type: 'pong' });
      return;
    default:
      send(ws, { type: 'error', code: 'bad_type', message: 'unknown frame type' });
  }
}

const server = createServer((req, res) => {
  res.writeHead(req.url === '/readyz' ? 200 : 404, { 'content-type': 'text/plain' }).end();
});
const wss = new WebSocketServer({ server, path: '/v1/ws', perMessageDeflate: false, maxPayload: 64 * 1024 });
wss.on('connection', (ws) => {
  subscriptions.set(ws, new Set());
  ws.on('message', (data) => onFrame(ws, data as Buffer));
  ws.on('close', () => {
    for (const ch of subscriptions.get(ws) ?? []) ch.subscribers.delete(ws);
    corked.delete(ws);
  });
  ws.on('error', () => ws.terminate());
});
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
