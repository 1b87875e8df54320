// Process lifecycle shared by the HTTP layer and background work: the draining flag readiness reports,
// and the stop hooks (jobs, heartbeats, sockets) run before the drivers are closed.
export interface Lifecycle {
  readonly draining: boolean;
  /** Marks the replica as draining: readiness answers 503 from now on. */
  startDrain(): void;
  /** Registers work to stop on shutdown; hooks run in reverse order of registration. */
  onStop(name: string, fn: () => Promise<void> | void): void;
  /** Runs every stop hook once, newest first, collecting failures instead of stopping at the first. */
  stop(): Promise<Error[]>;
}

export function createLifecycle(): Lifecycle {
  let draining = false;
  const hooks: { name: string; fn: () => Promise<void> | void }[] = [];
  return {
    get draining() {
      return draining;
    },
    startDrain() {
      draining = true;
    },
    onStop(name, fn) {
      hooks.push({ name, fn });
    },
    async stop() {
      const errors: Error[] = [];
      for (const { name, fn } of hooks.splice(0).reverse()) {
        try {
          await fn();
        } catch (err) {
          errors.push(new Error(`stopping ${name} failed: ${(err as Error).message}`, { cause: err }));
        }
      }
      return errors;
    },
  };
}
