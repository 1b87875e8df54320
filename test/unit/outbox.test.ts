// The outbox on real `ws` connections over 127.0.0.1 (in-process, no service): frames made once and shared,
// one cork per socket per tick, ordering with one-off frames, the slow-consumer cap counting only refused bytes,
// and a slow consumer that does not read its close frame cut after a bounded wait.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { setImmediate as nextTick } from 'node:timers/promises';
import { WebSocket, WebSocketServer } from 'ws';
import { CLOSE_SLOW_CONSUMER, frameText, Outbox, type Peer } from '../../src/server/channels/outbox.js';

interface Conn {
  peer: Peer & { slowCalls: number };
  client: WebSocket;
  received: string[];
  /** The server side's TCP socket, the one the outbox corks and writes to. */
  socket: Socket;
}

const servers: WebSocketServer[] = [];
const clients: WebSocket[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function connect(count: number, perMessageDeflate = false): Promise<Conn[]> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate });
  servers.push(wss);
  await once(wss, 'listening');
  const { port } = wss.address() as AddressInfo;
  const conns: Conn[] = [];
  for (let i = 0; i < count; i++) {
    const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    clients.push(client);
    const received: string[] = [];
    client.on('message', (data) => received.push(data.toString()));
    const [[ws]] = await Promise.all([accepted, once(client, 'open')]);
    const peer = {
      ws,
      closing: false,
      slowCalls: 0,
      onSlow() {
        this.slowCalls++;
      },
    };
    conns.push({ peer, client, received, socket: (ws as unknown as { _socket: Socket })._socket });
  }
  return conns;
}

async function until<T>(what: string, probe: () => T | undefined, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('frameText', () => {
  it('makes one unmasked final text frame with the right length encoding', () => {
    for (const [bytes, code, header] of [
      [5, 5, 2],
      [125, 125, 2],
      [126, 126, 4],
      [65_535, 126, 4],
      [65_536, 127, 10],
    ] as const) {
      const { buf, text } = frameText('x'.repeat(bytes));
      assert.equal(buf[0], 0x81, 'FIN + text opcode');
      assert.equal(buf[1], code, `length code for ${bytes} bytes (mask bit clear)`);
      assert.equal(buf.length, header + bytes);
      if (code === 126) assert.equal(buf.readUInt16BE(2), bytes);
      if (code === 127) assert.equal(Number(buf.readBigUInt64BE(2)), bytes);
      assert.equal(buf.subarray(header).toString(), text);
    }
  });

  it('counts UTF-8 bytes, not characters', () => {
    const { buf } = frameText('ü€😀');
    assert.equal(buf[1], 2 + 3 + 4);
    assert.equal(buf.subarray(2).toString(), 'ü€😀');
  });
});

describe('Outbox', () => {
  it('writes one framed buffer to every peer of a broadcast', async () => {
    const conns = await connect(3);
    const outbox = new Outbox(1 << 20);
    const written = conns.map(({ socket }) => {
      const chunks: unknown[] = [];
      const write = socket.write.bind(socket) as (chunk: unknown) => boolean;
      // Records and forwards: the real socket still carries every byte.
      socket.write = ((chunk: unknown, ...rest: unknown[]) => {
        chunks.push(chunk);
        return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof socket.write;
      return chunks;
    });
    const framed = frameText('{"type":"message","data":1}');
    for (const { peer } of conns) assert.equal(outbox.write(peer, framed), true);
    for (const chunks of written) assert.deepEqual(chunks, [framed.buf]);
    assert.ok(
      written.every((chunks) => chunks[0] === framed.buf),
      'the same buffer, not a copy per peer',
    );
    await until('every client to receive it', () =>
      conns.every((c) => c.received.length === 1) ? true : undefined,
    );
    for (const c of conns) assert.deepEqual(c.received, [framed.text]);
  });

  it('corks a socket once per tick and uncorks it on the next macrotask, keeping order', async () => {
    const [conn] = await connect(1);
    const { peer, socket } = conn!;
    const outbox = new Outbox(1 << 20);
    const frames = ['a', 'b', 'c'].map((t) => frameText(t));
    outbox.write(peer, frames[0]!);
    outbox.write(peer, frames[1]!);
    outbox.send(peer, 'ack');
    outbox.write(peer, frames[2]!);
    assert.equal(socket.writableCorked, 1, 'one cork however many writes');
    assert.ok(socket.writableLength >= 3 * 3 + 5, 'every frame held in the corked socket');
    await nextTick();
    assert.equal(socket.writableCorked, 0);
    await until('the burst to arrive', () => (conn!.received.length === 4 ? true : undefined));
    assert.deepEqual(conn!.received, ['a', 'b', 'ack', 'c']);
    // A later tick corks afresh.
    outbox.write(peer, frameText('d'));
    assert.equal(socket.writableCorked, 1);
    outbox.flush();
    assert.equal(socket.writableCorked, 0);
  });

  it('does not count this tick’s corked burst against the cap', async () => {
    const [conn] = await connect(1);
    const outbox = new Outbox(4096);
    const frame = frameText('y'.repeat(1000));
    for (let i = 0; i < 20; i++) assert.equal(outbox.write(conn!.peer, frame), true, `write ${i}`);
    assert.ok(conn!.peer.ws.bufferedAmount > 4096, 'the burst itself is over the cap');
    assert.equal(conn!.peer.slowCalls, 0);
    await until('all 20 frames', () => (conn!.received.length === 20 ? true : undefined));
    assert.equal(conn!.peer.closing, false);
  });

  it('closes a peer with 1013 once the data the kernel refused passes WS_MAX_BUFFERED', async () => {
    const [conn] = await connect(1);
    const { peer, client } = conn!;
    const cap = 64 * 1024;
    const outbox = new Outbox(cap);
    let received = 0;
    client.removeAllListeners('message');
    client.on('message', () => received++);
    client.pause();
    const frame = frameText('z'.repeat(64 * 1024));
    let accepted = 0;
    // Bounded: loopback kernel buffers hold a few MiB; 512 frames are 32 MiB.
    for (let tick = 0; tick < 512 && outbox.write(peer, frame); tick++) {
      accepted++;
      await nextTick();
    }
    assert.ok(accepted < 512, 'the paused reader never became a slow consumer');
    assert.ok(accepted > cap / frame.buf.length, 'dropped before the kernel had refused anything');
    assert.equal(peer.slowCalls, 1);
    assert.equal(peer.closing, true);
    assert.equal(outbox.write(peer, frame), false, 'nothing more is written to a closing peer');
    outbox.dropSlow(peer);
    assert.equal(peer.slowCalls, 1, 'onSlow runs once');

    const closed = once(client, 'close') as Promise<[number, Buffer]>;
    client.resume();
    const [code, reason] = await closed;
    assert.equal(code, CLOSE_SLOW_CONSUMER);
    assert.equal(reason.toString(), 'slow consumer');
    assert.equal(received, accepted, 'the close frame queues behind every accepted frame');
  });

  it('cuts a slow consumer that does not read up to its close frame within the wait', async () => {
    const [conn] = await connect(1);
    const { peer, client } = conn!;
    const outbox = new Outbox(64 * 1024, 200);
    client.pause();
    const frame = frameText('w'.repeat(64 * 1024));
    for (let tick = 0; tick < 512 && outbox.write(peer, frame); tick++) await nextTick();
    assert.equal(peer.closing, true, 'the paused reader became a slow consumer');
    // The reader never reads on: its socket is destroyed after the wait, not after ws's 30s close timer.
    await until('the socket to be cut', () => (peer.ws.readyState === WebSocket.CLOSED ? true : undefined));
  });

  it('goes through ws’s deflate path when compression is negotiated, in order with one-off frames', async () => {
    const [conn] = await connect(1, true);
    assert.match(conn!.peer.ws.extensions, /permessage-deflate/);
    const outbox = new Outbox(1 << 20);
    const big = JSON.stringify({ type: 'ack', pad: 'q'.repeat(4096) });
    outbox.send(conn!.peer, big);
    assert.equal(outbox.write(conn!.peer, frameText('after')), true);
    await until('both frames', () => (conn!.received.length === 2 ? true : undefined));
    assert.deepEqual(conn!.received, [big, 'after']);
  });

  it('writes nothing to a peer that is not open', async () => {
    const [conn] = await connect(1);
    const outbox = new Outbox(1 << 20);
    const closed = once(conn!.peer.ws, 'close');
    conn!.peer.ws.close(1000);
    assert.equal(outbox.write(conn!.peer, frameText('late')), false);
    outbox.send(conn!.peer, 'late');
    await closed;
    assert.deepEqual(conn!.received, []);
    assert.equal(conn!.peer.slowCalls, 0);
  });
});
