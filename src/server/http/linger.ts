// Lingering close for requests answered before their body was read (a 413 on an upload). Closing at once
// resets the connection while the client is still sending, and a client that writes its whole body before
// reading (Node's fetch) then sees ECONNRESET instead of the answer. Like nginx's lingering close, the rest
// of the body is read and thrown away, up to a byte and a time bound, before the connection is cut.
import type { IncomingMessage } from 'node:http';

export interface LingerBounds {
  maxBytes: number;
  maxMs: number;
}

/** Bounds for a body refused at `limit` bytes: twice the limit, within 1-64 MiB, for at most 10 s. */
export function lingerBounds(limit: number): LingerBounds {
  return { maxBytes: Math.min(64 * 1024 ** 2, Math.max(1024 ** 2, 2 * limit)), maxMs: 10_000 };
}

/**
 * Discards what is left of req's body. If it ends within the bounds the connection stays usable; otherwise
 * the socket is destroyed. Call it when the handler gives up on the body, before or after answering.
 */
export function discardRestOfBody(req: IncomingMessage, bounds: LingerBounds): void {
  if (req.complete || req.destroyed) return;
  req.unpipe();
  let seen = 0;
  const cut = () => {
    cleanup();
    req.socket?.destroy();
  };
  const onData = (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > bounds.maxBytes) cut();
  };
  const timer = setTimeout(cut, bounds.maxMs);
  timer.unref();
  const cleanup = () => {
    clearTimeout(timer);
    req.off('data', onData);
  };
  req.on('data', onData);
  req.once('end', cleanup);
  req.once('close', cleanup);
  req.resume();
}
