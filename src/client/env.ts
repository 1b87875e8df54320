// The few host facilities the client needs, read from globalThis so one build runs in browsers and Node
// (tsconfig.client.json compiles src/client without DOM or Node types to keep it that way).
import type { WebSocketConstructor } from './types.js';

export type TimerHandle = unknown;

interface Host {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  WebSocket?: WebSocketConstructor;
  atob?: (data: string) => string;
  crypto?: { randomUUID?: () => string };
}

const host = globalThis as unknown as Host;

export function later(fn: () => void, ms: number): TimerHandle {
  const handle = host.setTimeout(fn, ms);
  // A pending reconnect or heartbeat must not keep a Node process alive on its own.
  (handle as { unref?: () => void } | null)?.unref?.();
  return handle;
}

export function cancel(handle: TimerHandle | undefined): void {
  if (handle !== undefined) host.clearTimeout(handle);
}

export function defaultWebSocket(): WebSocketConstructor | undefined {
  return host.WebSocket;
}

/** Rethrows outside the caller's stack, where the host reports it, without breaking the client. */
export function report(err: unknown): void {
  host.setTimeout(() => {
    throw err;
  }, 0);
}

let counter = 0;

/** A publish id unique to this client: a UUID where available. */
export function newId(): string {
  const uuid = host.crypto?.randomUUID?.();
  if (uuid) return uuid;
  counter += 1;
  return `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}-${counter}`;
}

/** The `exp` claim of a JWT in ms, or undefined (API keys and opaque tokens). */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload || !host.atob) return undefined;
  try {
    const b64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(host.atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4))) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
