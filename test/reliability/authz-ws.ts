// WebSocket side of the authorization matrix: opening a socket with a credential (refused upgrades are
// closed with 4000 + their HTTP status, 4001 for an expired token) and subscribing on it, with the answer
// mapped to a status: `subscribed` is 200, an error frame 401/403, a socket the server closes by its code.
import { WebSocket } from 'ws';

type Answer = [status: number, code: string];

/** An open socket, or the status the upgrade was refused with. */
export function openSocket(base: string, credential: string | undefined): Promise<WebSocket | Answer> {
  return new Promise((resolve) => {
    const query = credential ? `?token=${encodeURIComponent(credential)}` : '';
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/v1/ws${query}`, { perMessageDeflate: false });
    ws.once('unexpected-response', (_req, res) => {
      ws.terminate();
      resolve([res.statusCode ?? 0, 'upgrade refused']);
    });
    ws.once('error', (err) => resolve([0, err.message]));
    ws.once('open', () => resolve(ws));
  });
}

export function subscribeOn(ws: WebSocket, channel: string): Promise<Answer> {
  return new Promise((resolve) => {
    const done = (answer: Answer) => {
      clearTimeout(timer);
      ws.terminate();
      resolve(answer);
    };
    const timer = setTimeout(() => done([0, 'no answer']), 10_000);
    if (ws.readyState !== WebSocket.OPEN) return done([401, 'closed by the server before subscribing']);
    ws.on('close', (code) => done([code > 4001 ? code - 4000 : 401, `closed by the server (${code})`]));
    ws.on('message', (raw) => {
      const f = JSON.parse(String(raw)) as { type: string; code?: string };
      if (f.type === 'subscribed') done([200, 'subscribed']);
      else if (f.type === 'error')
        done([
          f.code === 'forbidden'
            ? 403
            : f.code === 'unauthorized' || String(f.code).includes('token')
              ? 401
              : 400,
          String(f.code),
        ]);
    });
    ws.send(JSON.stringify({ type: 'subscribe', channel }));
  });
}

export async function wsSubscribe(
  base: string,
  channel: string,
  credential: string | undefined,
): Promise<Answer> {
  const ws = await openSocket(base, credential);
  return Array.isArray(ws) ? ws : subscribeOn(ws, channel);
}
