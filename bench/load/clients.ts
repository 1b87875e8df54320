// Client side of the wire protocols under test: paasport's JSON frames over plain WebSocket (also
// spoken by the bare-ws peers), Socket.IO and Centrifugo's JSON protocol. Each client subscribes to one channel and reports the
// publisher timestamp `t` found in every delivered message's data.
import { io as ioClient, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';

export type Protocol = 'json' | 'socketio' | 'centrifugo';

export type ClientHooks = {
  /** A delivered message; `t` is the publisher's wall-clock send time in ms, NaN if absent. */
  onMessage(t: number): void;
  onError(message: string): void;
};

export type Client = { close(): void; readonly open: boolean };

const T_KEY = Buffer.from('"t":');

/** Wall clock with sub-millisecond resolution, comparable between processes on the same box. */
export const now = () => performance.timeOrigin + performance.now();

/** Finds `"t":<number>` in a raw frame without parsing the whole JSON (the receive loop is the hot path). */
function timestampOf(buf: Buffer): number {
  const i = buf.indexOf(T_KEY);
  if (i < 0) return Number.NaN;
  return Number.parseFloat(buf.toString('latin1', i + T_KEY.length, i + T_KEY.length + 32).trimStart());
}

export type OpenSpec = {
  url: string;
  protocol: Protocol;
  channel: string;
  since?: number;
  localAddress?: string;
  timeoutMs: number;
};

/** Opens one subscribed client; resolves once the server confirmed the subscription. */
export function openClient(spec: OpenSpec, hooks: ClientHooks): Promise<Client> {
  if (spec.protocol === 'centrifugo') return openCentrifugo(spec, hooks);
  return spec.protocol === 'json' ? openJson(spec, hooks) : openSocketIo(spec, hooks);
}

const NEWLINE = 0x0a;
const PUB_KEY = Buffer.from('"pub":');

/** Confirms the subscription, or refuses it (an error before it) and reports errors after it. */
type Subscribing = { confirm(): void; refuse(text: string): void };

/** What a protocol over plain WebSocket adds to the shared connect-and-subscribe: its first frame and its reading. */
type Dialect = {
  hello(ws: WebSocket): void;
  read(data: Buffer, ws: WebSocket, s: Subscribing): void;
};

function openWs(spec: OpenSpec, hooks: ClientHooks, dialect: Dialect): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(spec.url, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      ...(spec.localAddress ? { localAddress: spec.localAddress } : {}),
    });
    let subscribed = false;
    const timer = setTimeout(() => fail(new Error('subscribe timed out')), spec.timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      ws.terminate();
      reject(err);
    };
    const client: Client = {
      close: () => ws.terminate(),
      get open() {
        return ws.readyState === WebSocket.OPEN;
      },
    };
    const s: Subscribing = {
      confirm: () => {
        if (subscribed) return;
        subscribed = true;
        clearTimeout(timer);
        resolve(client);
      },
      refuse: (text) => (subscribed ? hooks.onError(text) : fail(new Error(text))),
    };
    ws.on('open', () => dialect.hello(ws));
    ws.on('message', (data: Buffer) => dialect.read(data, ws, s));
    ws.on('error', (err) => (subscribed ? hooks.onError(err.message) : fail(err)));
    ws.on('close', (code) => {
      if (!subscribed) fail(new Error(`closed ${code} before subscribed`));
    });
  });
}

/**
 * Centrifugo's JSON protocol: commands and replies carry ids, a frame may hold several newline-separated
 * replies and pushes, and an empty object is the server's ping, answered with an empty object.
 */
function openCentrifugo(spec: OpenSpec, hooks: ClientHooks): Promise<Client> {
  const line = (buf: Buffer, ws: WebSocket, s: Subscribing) => {
    if (buf.indexOf(PUB_KEY) >= 0) return hooks.onMessage(timestampOf(buf));
    if (buf.length <= 2) return ws.send('{}');
    let msg: { id?: number; error?: { code: number; message: string } };
    try {
      msg = JSON.parse(buf.toString());
    } catch {
      return hooks.onError('unparsable frame');
    }
    if (msg.error) return s.refuse(`${msg.error.code}: ${msg.error.message}`);
    if (msg.id === 2) s.confirm();
  };
  return openWs(spec, hooks, {
    // Commands of one frame run in order: connect, then subscribe.
    hello: (ws) =>
      ws.send(`{"id":1,"connect":{}}\n${JSON.stringify({ id: 2, subscribe: { channel: spec.channel } })}`),
    read: (data, ws, s) => {
      let start = 0;
      for (let i = data.indexOf(NEWLINE); i >= 0; i = data.indexOf(NEWLINE, start)) {
        if (i > start) line(data.subarray(start, i), ws, s);
        start = i + 1;
      }
      if (start < data.length) line(data.subarray(start), ws, s);
    },
  });
}

function openJson(spec: OpenSpec, hooks: ClientHooks): Promise<Client> {
  return openWs(spec, hooks, {
    hello: (ws) => {
      const frame: Record<string, unknown> = { type: 'subscribe', channel: spec.channel };
      if (spec.since !== undefined) frame.since = spec.since;
      ws.send(JSON.stringify(frame));
    },
    read: (data, _ws, s) => {
      const t = timestampOf(data);
      if (!Number.isNaN(t)) return hooks.onMessage(t);
      let msg: { type?: string; code?: string; message?: string };
      try {
        msg = JSON.parse(data.toString());
      } catch {
        return hooks.onError('unparsable frame');
      }
      if (msg.type === 'message') return hooks.onMessage(Number.NaN);
      if (msg.type === 'subscribed') return s.confirm();
      if (msg.type === 'error') s.refuse(`${msg.code}: ${msg.message}`);
    },
  });
}

function openSocketIo(spec: OpenSpec, hooks: ClientHooks): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket: Socket = ioClient(spec.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: spec.timeoutMs,
    });
    const timer = setTimeout(() => fail(new Error('subscribe timed out')), spec.timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.disconnect();
      reject(err);
    };
    socket.on('connect', () => {
      socket.emit('subscribe', spec.channel, (reply: { error?: string }) => {
        clearTimeout(timer);
        if (reply?.error) return fail(new Error(reply.error));
        resolve({
          close: () => socket.disconnect(),
          get open() {
            return socket.connected;
          },
        });
      });
    });
    socket.on('message', (msg: { data?: { t?: number } }) => hooks.onMessage(Number(msg?.data?.t)));
    socket.on('connect_error', (err) => fail(err));
  });
}
