// Token revocation by `jti` or by subject, shared by every replica: the record lives in the shared state
// (Redis, or memory for one replica) for the longest token lifetime, so every replica refuses the token on
// HTTP, at the WebSocket upgrade and on `refresh`. Open sockets close at once through the admin bus, and a
// periodic check of open token connections closes any a lost bus message missed.
import type { RevocationCheck } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import { MAX_TOKEN_TTL_S } from '../auth/tokens.js';
import { CLOSE_TOKEN_REVOKED, type ConnectionRegistry } from '../channels/connections.js';
import type { SharedState } from '../drivers/shared-state/index.js';
import type { Logger } from '../logger.js';
import type { Cluster } from './cluster.js';

/** How often open token connections are checked against the shared revocations. */
export const REVOCATION_SWEEP_MS = 10_000;
const RECORD_TTL_MS = MAX_TOKEN_TTL_S * 1000;
const CHECK_BATCH = 500;
const WARN_EVERY_MS = 30_000;

export interface Revocation {
  jti?: string;
  sub?: string;
}

const jtiKey = (jti: string) => `revoked:jti:${jti}`;
const subKey = (sub: string) => `revoked:sub:${sub}`;

export class Revocations {
  #timer: NodeJS.Timeout | undefined;
  #lastWarn = 0;

  constructor(
    private readonly state: SharedState,
    private readonly cluster: Cluster,
    private readonly connections: ConnectionRegistry,
    private readonly log: Logger,
  ) {
    cluster.handle('revoke', (args) => this.#closeLocal(args as Revocation & { at: number }));
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.log.warn({ err }, 'revocation check failed'));
    }, REVOCATION_SWEEP_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /**
   * Records the revocation (tokens of a subject: those issued up to now, to the second), then has every
   * replica close the matching sockets. Resolves with how many were closed and which replicas did not answer.
   */
  async revoke(r: Revocation): Promise<{ at: number; closed: number; missing: string[] }> {
    const at = Date.now();
    if (r.jti !== undefined) await this.state.setValue(jtiKey(r.jti), String(at), RECORD_TTL_MS);
    if (r.sub !== undefined) await this.state.setValue(subKey(r.sub), String(at), RECORD_TTL_MS);
    const { answers, missing } = await this.cluster.gather<number>('revoke', { ...r, at });
    return { at, closed: answers.reduce((n, a) => n + a.result, 0), missing };
  }

  /** For the Authenticator: a client token is revoked by its jti, or by its subject after it was issued. */
  readonly check: RevocationCheck = async (p) => {
    if (p.kind !== 'token' || p.jti === undefined) return false;
    try {
      const [byJti, bySub] = await this.state.getValues([jtiKey(p.jti), subKey(p.sub ?? '')]);
      return (byJti ?? null) !== null || (p.sub !== undefined && isRevokedBySub(p, bySub ?? null));
    } catch (err) {
      // Like the rate limiter: a shared-state outage lets tokens through (signature and expiry still apply).
      if (Date.now() - this.#lastWarn > WARN_EVERY_MS) {
        this.#lastWarn = Date.now();
        this.log.warn({ err }, 'revocations unavailable; accepting tokens without the check');
      }
      return false;
    }
  };

  /** Closes the open token connections whose token is revoked; returns how many. */
  async sweep(): Promise<number> {
    const principals = this.connections.tokenPrincipals();
    let closed = 0;
    for (let i = 0; i < principals.length; i += CHECK_BATCH) {
      const batch = principals.slice(i, i + CHECK_BATCH);
      const keys = batch.flatMap((p) => [jtiKey(p.jti ?? ''), subKey(p.sub ?? '')]);
      const values = await this.state.getValues(keys);
      batch.forEach((p, k) => {
        const byJti = values[2 * k] ?? null;
        const bySub = values[2 * k + 1] ?? null;
        if (byJti !== null && p.jti !== undefined) closed += this.#closeLocal({ jti: p.jti });
        else if (p.sub !== undefined && isRevokedBySub(p, bySub))
          closed += this.#closeLocal({ sub: p.sub, at: Number(bySub) });
      });
    }
    return closed;
  }

  #closeLocal(r: Revocation & { at?: number }): number {
    const reason = 'token revoked';
    let n = 0;
    if (r.jti !== undefined) n += this.connections.end({ jti: r.jti }, CLOSE_TOKEN_REVOKED, reason);
    if (r.sub !== undefined) {
      const filter = { sub: r.sub, ...(r.at !== undefined ? { issuedUpTo: r.at } : {}) };
      n += this.connections.end(filter, CLOSE_TOKEN_REVOKED, reason);
    }
    return n;
  }
}

/** `iat` has one-second resolution: a token issued in the same second as the revocation is revoked too. */
function isRevokedBySub(p: Principal, revokedAt: string | null): boolean {
  return revokedAt !== null && (p.issuedAt ?? 0) <= Number(revokedAt);
}
