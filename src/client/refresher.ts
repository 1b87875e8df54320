// Token refresh on an open connection (docs/protocol.md, "Token expiry and refresh"): asks the token callback
// for a new token well before the current one expires, sends it as `refresh`, and adopts it once `refreshed`.
import type { Credential, Credentials } from './credentials.js';
import { cancel, later, type TimerHandle } from './env.js';
import { ClientError } from './errors.js';

export interface RefreshHost {
  /** The connection is open and answered: a refresh can be sent now. */
  live(): boolean;
  send(frame: Record<string, unknown>): void;
  raise(err: ClientError): void;
}

export class Refresher {
  #timer: TimerHandle | undefined;
  /** A `refresh` sent and not yet answered. */
  pending: Credential | null = null;

  constructor(
    private readonly credentials: Credentials,
    private readonly host: RefreshHost,
    private readonly retryMs: number,
  ) {}

  /** Arms the timer for the current token (nothing for fixed tokens and tokens without expiry). */
  schedule(): void {
    cancel(this.#timer);
    const exp = this.credentials.expiresAt;
    if (!this.credentials.renewable || exp === undefined) return;
    // Margin for a slow backend and a busy server: a fifth of the lifetime, at least half a minute (at most
    // half the lifetime, for short tokens).
    const left = exp - Date.now();
    const delay = Math.max(0, left - Math.max(left * 0.2, Math.min(left * 0.5, 30_000)));
    this.#timer = later(() => void this.#refresh(), delay);
  }

  /** The connection ended: whatever was in flight is void. */
  stop(): void {
    cancel(this.#timer);
    this.#timer = undefined;
    this.pending = null;
  }

  /** The server accepted the pending token, valid until expiresAt. */
  refreshed(expiresAt: string): void {
    const next = this.pending;
    this.pending = null;
    if (!next) return;
    this.credentials.adopt(next, Date.parse(expiresAt));
    this.schedule();
  }

  /** A refresh was refused (or no token came): try again while the current token lasts. */
  failed(err: ClientError): void {
    this.pending = null;
    this.host.raise(err);
    cancel(this.#timer);
    this.#timer = later(() => void this.#refresh(), this.retryMs);
  }

  async #refresh(): Promise<void> {
    if (!this.host.live() || this.pending) return;
    try {
      const next = await this.credentials.fetch();
      if (!this.host.live()) return;
      this.pending = next;
      this.host.send({ type: 'refresh', token: next.token });
    } catch (err) {
      const message = `the token callback failed: ${(err as Error)?.message ?? String(err)}`;
      this.failed(new ClientError('unauthorized', 'token_unavailable', message));
    }
  }
}
