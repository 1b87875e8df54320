// Bounds a promise in time, so a call to a hung dependency fails instead of hanging. The late result of
// the bounded promise is ignored (and a late rejection swallowed), so it can never surface as unhandled.

/** A call did not finish within its deadline; drivers report it as an outage of their dependency. */
export class DeadlineExceededError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(
    readonly what: string,
    readonly ms: number,
  ) {
    super(`${what} timed out after ${ms}ms`);
    this.name = 'DeadlineExceededError';
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(what, ms)), ms);
  });
  promise.catch(() => {});
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
