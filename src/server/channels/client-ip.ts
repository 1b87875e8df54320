// Client address of a WebSocket upgrade, honouring X-Forwarded-For only through proxies the app trusts
// (Express's compiled `trust proxy` function), the same answer `req.ip` gives on HTTP routes.
import type { IncomingMessage } from 'node:http';

export type TrustFn = (addr: string, hop: number) => boolean;

export function upgradeClientIp(trust: TrustFn): (req: IncomingMessage) => string {
  return (req) => {
    const header = req.headers['x-forwarded-for'];
    const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0)
      .reverse();
    const chain = [req.socket.remoteAddress ?? 'unknown', ...forwarded];
    // Walk from the nearest hop outwards; the first address not vouched for is the client.
    for (let i = 0; i < chain.length - 1; i++) if (!trust(chain[i] as string, i)) return chain[i] as string;
    return chain[chain.length - 1] as string;
  };
}
