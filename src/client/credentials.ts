// The connection's token: a fixed string, or fetched from the application's callback (and fetched again
// before it expires, after it expired, and after a refusal). Knows when the current one expires.
import { jwtExpiry } from './env.js';
import type { TokenGrant, TokenSource } from './types.js';

export interface Credential {
  token: string;
  /** Milliseconds since the epoch; undefined when unknown or never. */
  expiresAt: number | undefined;
}

function toMs(value: TokenGrant['expiresAt']): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

export class Credentials {
  #current: Credential | undefined;
  #stale = false;

  constructor(private readonly source: TokenSource | undefined) {
    if (typeof source === 'string') this.#current = { token: source, expiresAt: jwtExpiry(source) };
  }

  /** A callback can supply new tokens; a fixed token cannot. */
  get renewable(): boolean {
    return typeof this.source === 'function';
  }

  get expiresAt(): number | undefined {
    return this.#current?.expiresAt;
  }

  /** The current token was refused or expired: the next connect asks the callback. */
  invalidate(): void {
    this.#stale = true;
  }

  /** The token to connect with; asks the callback when there is none yet, it is stale, or it has expired. */
  async forConnect(): Promise<string | undefined> {
    if (typeof this.source !== 'function') return this.#current?.token;
    const c = this.#current;
    const expired = c?.expiresAt !== undefined && c.expiresAt <= Date.now() + 1000;
    if (!c || this.#stale || expired) {
      this.#current = await this.fetch();
      this.#stale = false;
    }
    return this.#current?.token;
  }

  /** Asks the callback for a new token (does not make it current: see adopt()). */
  async fetch(): Promise<Credential> {
    if (typeof this.source !== 'function') throw new Error('a fixed token cannot be renewed');
    const got = await this.source();
    const grant: TokenGrant = typeof got === 'string' ? { token: got } : got;
    if (typeof grant?.token !== 'string' || grant.token === '') {
      throw new Error('the token callback must return a token string or { token, expiresAt }');
    }
    return { token: grant.token, expiresAt: toMs(grant.expiresAt) ?? jwtExpiry(grant.token) };
  }

  /** The server accepted a refreshed token, valid until expiresAt. */
  adopt(credential: Credential, expiresAt: number | undefined): void {
    this.#current = { token: credential.token, expiresAt: expiresAt ?? credential.expiresAt };
    this.#stale = false;
  }
}
