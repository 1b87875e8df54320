// The ways the load publisher reaches the cluster: HTTP POST (through nginx or straight to one replica) and
// a WebSocket connection that publishes frames and matches `ack`/`error` frames by id. Each attempt ends in
// one Outcome; nothing throws.
import { WebSocket } from 'ws';

export const ATTEMPT_TIMEOUT_MS = 6000;

export type Outcome =
  | { kind: 'ack'; offset: number; replayed: boolean }
  /** HTTP status (and error code) or a WebSocket error frame's code (status 0). */
  | { kind: 'error'; status: number; code: string; retryAfter: boolean }
  /** No answer in time, connection refused or reset: the message may or may not be stored. */
  | { kind: 'unknown'; reason: string };

export interface Lane {
  name: string;
  /** False while a WebSocket lane is (re)connecting; HTTP lanes are always ready. */
  connected(): boolean;
  send(channel: string, id: string, data: unknown): Promise<Outcome>;
  close(): void;
}

export function httpLane(name: string, baseUrl: string, apiKey: string): Lane {
  return {
    name,
    connected: () => true,
    async send(channel, id, data) {
      try {
        const res = await fetch(`${baseUrl}/v1/channels/${channel}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ id, data }),
          signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
        });
        const text = await res.text();
        let body: { offset?: number; id?: string; error?: { code?: string } } = {};
        try {
          body = JSON.parse(text);
        } catch {}
        if (res.status === 201 && body.id === id && typeof body.offset === 'number') {
          return {
            kind: 'ack',
            offset: body.offset,
            replayed: res.headers.get('idempotent-replayed') === 'true',
          };
        }
        const code = body.error?.code ?? (res.status === 201 ? 'bad_ack' : 'non_json');
        return { kind: 'error', status: res.status, code, retryAfter: res.headers.has('retry-after') };
      } catch (err) {
        return { kind: 'unknown', reason: (err as Error).name === 'TimeoutError' ? 'timeout' : 'network' };
      }
    },
    close() {},
  };
}

interface Waiter {
  resolve: (o: Outcome) => void;
  timer: NodeJS.Timeout;
}

/** One publishing connection, reopened (after a short pause) whenever it closes. */
export function wsLane(name: string, wsUrl: string, apiKey: string): Lane {
  const waiters = new Map<string, Waiter>();
  let ws: WebSocket | undefined;
  let closed = false;
  const settle = (id: string, o: Outcome) => {
    const w = waiters.get(id);
    if (!w) return;
    waiters.delete(id);
    clearTimeout(w.timer);
    w.resolve(o);
  };
  const open = () => {
    if (closed) return;
    const sock = new WebSocket(wsUrl, {
      perMessageDeflate: false,
      handshakeTimeout: 5000,
      headers: { authorization: `Bearer ${apiKey}` },
    });
    ws = sock;
    sock.on('message', (raw) => {
      const f = JSON.parse(String(raw)) as Record<string, unknown>;
      if (typeof f.id !== 'string') return;
      if (f.type === 'ack') settle(f.id, { kind: 'ack', offset: Number(f.offset), replayed: false });
      else if (f.type === 'error')
        settle(f.id, { kind: 'error', status: 0, code: String(f.code), retryAfter: 'retryAfterMs' in f });
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      for (const id of [...waiters.keys()]) settle(id, { kind: 'unknown', reason: 'closed' });
      if (!closed) setTimeout(open, 300).unref();
    });
  };
  open();
  return {
    name,
    connected: () => ws?.readyState === WebSocket.OPEN,
    send(channel, id, data) {
      return new Promise<Outcome>((resolve) => {
        if (ws?.readyState !== WebSocket.OPEN || waiters.has(id)) {
          resolve({ kind: 'unknown', reason: 'not connected' });
          return;
        }
        const timer = setTimeout(
          () => settle(id, { kind: 'unknown', reason: 'timeout' }),
          ATTEMPT_TIMEOUT_MS,
        );
        waiters.set(id, { resolve, timer });
        ws.send(JSON.stringify({ type: 'publish', channel, id, data }));
      });
    },
    close() {
      closed = true;
      ws?.terminate();
    },
  };
}
