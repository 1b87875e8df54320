// When a WebSocket connection's client token runs out (docs/protocol.md, "Token expiry and refresh"): one
// timer per connection, moved by each `refresh`, and the close code and error the connection ends with.
import { DomainError } from '../errors/domain-error.js';
import { realTimers, type TimerHandle, type Timers } from '../util/timers.js';

/** Close code of a connection whose token expired without a refresh (private range 4000-4999). */
export const CLOSE_TOKEN_EXPIRED = 4001;
export const CLOSE_TOKEN_EXPIRED_REASON = 'token expired';

/** setTimeout fires at once beyond this (about 24.8 days); longer waits are re-armed. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** The answer to a frame handled after the token expired, sent just before the close. */
export function tokenExpired(): DomainError {
  return new DomainError('token_expired', 'token has expired; reconnect with a new token', { status: 401 });
}

/** A `refresh` that cannot apply: API-key and anonymous connections never expire; `sub` must stay the same. */
export function refreshRefused(why: 'not a token' | 'other subject'): DomainError {
  return why === 'not a token'
    ? new DomainError('forbidden', 'only connections opened with a client token expire and can refresh', {
        status: 403,
      })
    : new DomainError('forbidden', 'the new token is for another subject (sub); open a new connection', {
        status: 403,
        field: 'token',
      });
}

/** Calls onExpire once when the current expiry passes; never early, whatever the timer's precision. */
export class ExpiryClock {
  #expiresAt: number | undefined;
  #handle: TimerHandle | null = null;

  constructor(
    private readonly onExpire: () => void,
    private readonly timers: Timers = realTimers,
  ) {}

  get expiresAt(): number | undefined {
    return this.#expiresAt;
  }

  /** Replaces the expiry (undefined: never expires) and the one timer that watches it. */
  set(expiresAt: number | undefined): void {
    this.clear();
    this.#expiresAt = expiresAt;
    if (expiresAt !== undefined) this.#arm(expiresAt);
  }

  /** True from the expiry on, also before the timer had its turn (a busy event loop runs it late). */
  expired(): boolean {
    return this.#expiresAt !== undefined && this.timers.now() >= this.#expiresAt;
  }

  clear(): void {
    if (this.#handle) this.timers.clearTimeout(this.#handle);
    this.#handle = null;
  }

  #arm(expiresAt: number): void {
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, expiresAt - this.timers.now()));
    this.#handle = this.timers.setTimeout(() => {
      this.#handle = null;
      if (this.#expiresAt !== expiresAt) return;
      if (this.expired()) this.onExpire();
      else this.#arm(expiresAt);
    }, delay);
  }
}
