// Efficient writes to many sockets: a broadcast is framed once (`Sender.frame` over one buffer) and each
// socket is corked on its first write of a tick and uncorked on the next macrotask, so a burst of messages
// leaves as one write per socket. Sockets whose unsent bytes pass the cap are closed as slow consumers:
// the 1013 close frame goes out at once (behind the data already queued) and a peer that has not read it
// within SLOW_CLOSE_WAIT_MS is cut, so a stuck reader is gone in seconds, not after ws's 30s close timer.
import type { Socket } from 'node:net';
import * as wsModule from 'ws';
import { WebSocket } from 'ws';

export const CLOSE_SLOW_CONSUMER = 1013;
/** How long a slow consumer has to read up to its close frame before its socket is destroyed. */
export const SLOW_CLOSE_WAIT_MS = 5000;

/** A connection as the outbox sees it. */
export interface Peer {
  readonly ws: WebSocket;
  /** Set once the peer is closing; nothing more is written to it. */
  closing: boolean;
  /** Called once when the peer is dropped as a slow consumer. */
  onSlow(): void;
}

type WsInternals = { _socket?: Socket };
type FrameOptions = { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean };
// Public in ws (used for exactly this by Socket.IO) but missing from @types/ws.
const { Sender } = wsModule as unknown as { Sender: { frame(data: Buffer, o: FrameOptions): Buffer[] } };

/** A server-to-client text frame made once: header and payload in a single buffer. */
export interface Framed {
  text: string;
  buf: Buffer;
}

export function frameText(text: string): Framed {
  const parts = Sender.frame(Buffer.from(text), {
    fin: true,
    opcode: 1,
    mask: false,
    readOnly: false,
    rsv1: false,
  });
  return { text, buf: parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts) };
}

export class Outbox {
  /** Sockets corked this tick, with the bytes written to each meanwhile (not yet offered to the kernel). */
  readonly #corked = new Map<Socket, number>();
  #scheduled = false;

  constructor(
    private readonly maxBuffered: number,
    private readonly slowCloseWaitMs = SLOW_CLOSE_WAIT_MS,
  ) {}

  /** Writes a pre-framed message; returns false when the peer is (now) gone. */
  write(peer: Peer, framed: Framed): boolean {
    if (peer.closing) return false;
    const ws = peer.ws;
    if (ws.readyState !== WebSocket.OPEN) return false;
    const socket = (ws as unknown as WsInternals)._socket;
    // This tick's corked bytes are not backlog yet: only what the kernel refused before counts.
    const corked = socket ? (this.#corked.get(socket) ?? 0) : 0;
    if (ws.bufferedAmount - corked > this.maxBuffered) {
      this.dropSlow(peer);
      return false;
    }
    // With compression negotiated the frame must go through ws's deflate path.
    if (!socket || ws.extensions !== '') {
      ws.send(framed.text);
      return true;
    }
    this.#cork(socket, framed.buf.length);
    socket.write(framed.buf);
    return true;
  }

  /** Sends a one-off frame (ack, error, subscribed) in order with the corked broadcasts. */
  send(peer: Peer, text: string): void {
    if (peer.closing || peer.ws.readyState !== WebSocket.OPEN) return;
    const socket = (peer.ws as unknown as WsInternals)._socket;
    if (socket && peer.ws.extensions === '') this.#cork(socket, Buffer.byteLength(text) + 10);
    peer.ws.send(text);
  }

  dropSlow(peer: Peer): void {
    if (peer.closing) return;
    peer.closing = true;
    peer.onSlow();
    // The close frame queues behind the unsent data: a reader that keeps reading gets it and sees 1013;
    // one that does not is cut after a bounded wait (it sees 1006, having read nothing meanwhile anyway).
    const ws = peer.ws;
    ws.close(CLOSE_SLOW_CONSUMER, 'slow consumer');
    const cut = setTimeout(() => ws.terminate(), this.slowCloseWaitMs);
    cut.unref();
    ws.once('close', () => clearTimeout(cut));
  }

  #cork(socket: Socket, bytes: number): void {
    const before = this.#corked.get(socket);
    this.#corked.set(socket, (before ?? 0) + bytes);
    if (before !== undefined) return;
    socket.cork();
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.#scheduled = false;
    for (const socket of this.#corked.keys()) socket.uncork();
    this.#corked.clear();
  }
}
