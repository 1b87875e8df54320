// Per-dependency health as the drivers see it on every call: one log line when a dependency goes down
// ("postgres unavailable") and one when it comes back ("postgres recovered"), however many requests fail in
// between, so an outage is visible in the log without drowning it. Readiness probes go through it too.
import type { Logger } from '../logger.js';
import { realTimers, type TimerHandle, type Timers } from '../util/timers.js';
import { asOutage, type DependencyName, outageReason } from './outage.js';

export interface HealthOptions {
  /** The clock and timers; real ones by default. */
  timers?: Timers;
  /**
   * Recovery is declared once calls succeed and none has failed for this long, so a half-broken dependency
   * (some connections dead, some fine) logs one outage instead of flapping at request rate.
   */
  quietMs?: number;
}

export const RECOVERY_QUIET_MS = 1000;

export class DependencyHealth {
  #down = false;
  #since = 0;
  #lastFailure = -Infinity;
  #lastOk = -Infinity;
  #failures = 0;
  #outages = 0;
  #recheck: TimerHandle | undefined;
  readonly #timers: Timers;
  readonly #quietMs: number;

  constructor(
    readonly name: DependencyName,
    private readonly log: Logger,
    opts: HealthOptions = {},
  ) {
    this.#timers = opts.timers ?? realTimers;
    this.#quietMs = opts.quietMs ?? RECOVERY_QUIET_MS;
  }

  get up(): boolean {
    return !this.#down;
  }

  /** Outages seen since start (each counted once, when it began). */
  get outages(): number {
    return this.#outages;
  }

  /** A call failed because the dependency is unreachable, reset or too slow. */
  failed(err: unknown): void {
    const t = this.#timers.now();
    this.#lastFailure = t;
    this.#failures++;
    if (this.#down) return;
    this.#down = true;
    this.#since = t;
    this.#failures = 1;
    this.#outages++;
    const reason = outageReason(err) ?? (err instanceof Error ? err.message : String(err));
    this.log.warn({ dependency: this.name, reason }, `${this.name} unavailable`);
  }

  /** A call succeeded. */
  ok(): void {
    if (!this.#down) return;
    this.#lastOk = this.#timers.now();
    this.#maybeRecover();
  }

  #maybeRecover(): void {
    if (!this.#down || this.#recheck || this.#lastOk < this.#lastFailure) return;
    const t = this.#timers.now();
    const wait = this.#lastFailure + this.#quietMs - t;
    if (wait > 0) {
      // Still too close to the last failure: look again once the quiet time has passed.
      this.#recheck = this.#timers.setTimeout(() => {
        this.#recheck = undefined;
        this.#maybeRecover();
      }, wait);
      (this.#recheck.timer as { unref?: () => void }).unref?.();
      return;
    }
    this.#down = false;
    this.log.info(
      { dependency: this.name, downMs: t - this.#since, failedCalls: this.#failures },
      `${this.name} recovered`,
    );
  }

  /**
   * Runs one call to the dependency: success counts as up; an outage counts as down and is rethrown as
   * the `unavailable` DomainError (503, Retry-After); any other error is rethrown as it is.
   */
  async call<T>(fn: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      const mapped = asOutage(this.name, err);
      if (mapped !== err || outageReason(err) !== undefined) this.failed(err);
      throw mapped;
    }
    this.ok();
    return result;
  }
}

/** One tracker per dependency, shared by every driver that talks to it (the bus and shared state: redis). */
export type Health = Record<DependencyName, DependencyHealth>;

export function createHealth(log: Logger, opts: HealthOptions = {}): Health {
  const child = log.child({ component: 'health' });
  return {
    postgres: new DependencyHealth('postgres', child, opts),
    redis: new DependencyHealth('redis', child, opts),
    storage: new DependencyHealth('storage', child, opts),
  };
}
