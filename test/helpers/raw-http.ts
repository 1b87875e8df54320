// An HTTP/1.1 connection written by hand, for requests that must be provably in flight at a given moment
// (e.g. when a drain starts): the server has parsed their first bytes but not their end.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Opens a connection carrying a complete GET `first` and the start of a GET `path` in one write. Once the
 * first response is back, the server has read (and begun parsing) the second request too, so it counts as
 * active, not idle; `finish()` sends its last line and resolves with its response.
 */
export async function heldRequest(
  port: number,
  path: string,
  first = '/healthz',
): Promise<{ firstResponse: RawResponse; finish: () => Promise<RawResponse> }> {
  const socket = connect(port, '127.0.0.1');
  const reader = responses(socket);
  socket.write(
    `GET ${first} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n` +
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n`,
  );
  const firstResponse = await reader.next();
  return {
    firstResponse,
    finish: async () => {
      socket.write('\r\n');
      const response = await reader.next();
      socket.destroy();
      return response;
    },
  };
}

const RESPONSE_TIMEOUT_MS = 15_000;

/** Reads Content-Length-framed responses off a socket, one per next() call. */
function responses(socket: Socket): { next: () => Promise<RawResponse> } {
  let buffered = Buffer.alloc(0);
  let ended: Error | undefined;
  let wake: (() => void) | undefined;
  socket.on('data', (d: Buffer) => {
    buffered = Buffer.concat([buffered, d]);
    wake?.();
  });
  socket.on('error', (err) => {
    ended = err;
    wake?.();
  });
  socket.on('close', () => {
    ended ??= new Error('connection closed before a full response');
    wake?.();
  });
  const parse = (): RawResponse | undefined => {
    const end = buffered.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine, ...lines] = buffered.subarray(0, end).toString('latin1').split('\r\n');
    const headers = Object.fromEntries(
      lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
    );
    const length = Number(headers['content-length']);
    assert.ok(Number.isInteger(length), `response without Content-Length: ${statusLine}`);
    if (buffered.length < end + 4 + length) return undefined;
    const body = buffered.subarray(end + 4, end + 4 + length).toString();
    buffered = buffered.subarray(end + 4 + length);
    return { status: Number(statusLine?.split(' ')[1]), headers, body };
  };
  return {
    next: async () => {
      const deadline = Date.now() + RESPONSE_TIMEOUT_MS;
      for (;;) {
        const response = parse();
        if (response) return response;
        if (ended) throw ended;
        if (Date.now() > deadline) throw new Error(`no full response within ${RESPONSE_TIMEOUT_MS}ms`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 250);
        });
        wake = undefined;
      }
    },
  };
}
