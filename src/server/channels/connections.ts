// The WebSocket connections of this replica, for the admin API: who is connected, from where, to which
// channels, and a way to end them (admin disconnect, token revocation). Entries leave when the socket closes.
import type { Principal } from '../auth/principal.js';
import type { Session } from './ws-session.js';

/** Close code of a connection ended by an administrator. */
export const CLOSE_DISCONNECTED = 4002;
/** Close code of a connection whose token was revoked. */
export const CLOSE_TOKEN_REVOKED = 4003;

export interface ConnectionInfo {
  id: string;
  /** `api-key`, `token` or `anonymous`. */
  kind: Principal['kind'];
  /** Stable principal id: `key:<digest prefix>`, `token:<jti>` or `ip:<address>`; never a secret. */
  principal: string;
  sub: string | null;
  channels: string[];
  remoteAddress: string;
  connectedAt: string;
}

/** Which connections to end: one by id, every one of a token subject, or every one of a token id. */
export interface ConnectionFilter {
  id?: string;
  sub?: string;
  jti?: string;
  /** With sub: only tokens issued at or before this time (ms since the epoch). */
  issuedUpTo?: number;
}

export function matches(p: Principal, id: string, f: ConnectionFilter): boolean {
  if (f.id !== undefined) return f.id === id;
  if (f.jti !== undefined) return p.jti === f.jti;
  if (f.sub === undefined || p.sub !== f.sub) return false;
  return f.issuedUpTo === undefined || (p.issuedAt ?? 0) <= f.issuedUpTo;
}

export class ConnectionRegistry {
  readonly #open = new Map<string, { session: Session; remoteAddress: string }>();

  add(session: Session, remoteAddress: string): void {
    this.#open.set(session.id, { session, remoteAddress });
    session.ws.once('close', () => this.#open.delete(session.id));
  }

  get size(): number {
    return this.#open.size;
  }

  list(): ConnectionInfo[] {
    return [...this.#open.values()].map(({ session, remoteAddress }) => {
      const p = session.principal;
      return {
        id: session.id,
        kind: p.kind,
        principal: p.id,
        sub: p.sub ?? null,
        channels: session.channels(),
        remoteAddress,
        connectedAt: new Date(session.connectedAt).toISOString(),
      };
    });
  }

  /** Subscribed connections per channel on this replica. */
  subscribers(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const { session } of this.#open.values())
      for (const c of session.channels()) counts.set(c, (counts.get(c) ?? 0) + 1);
    return counts;
  }

  /** Open token connections, for the periodic revocation check. */
  tokenPrincipals(): Principal[] {
    return [...this.#open.values()].map((e) => e.session.principal).filter((p) => p.kind === 'token');
  }

  /** Ends every matching connection with code and reason; returns how many. */
  end(filter: ConnectionFilter, code: number, reason: string): number {
    let n = 0;
    for (const { session } of [...this.#open.values()]) {
      if (!matches(session.principal, session.id, filter)) continue;
      session.end(code, reason);
      n++;
    }
    return n;
  }
}
