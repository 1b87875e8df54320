// The gateway's ping sweep against real `ws` peers on 127.0.0.1: an open peer that stops answering pings is
// terminated, but a peer already closing (a slow consumer told 1013) is left to its closer, so a reader
// whose close frame and pongs sit behind a backlog still receives it instead of a cut connection (1006).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { silentLogger } from '../../src/server/logger.js';
import { createMetrics } from '../../src/server/metrics.js';
import { Gateway } from '../../src/server/ws/gateway.js';

const PING_MS = 100;
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

/** A gateway on its own server whose route hands each accepted socket to the test. */
async function gateway(): Promise<{ url: string; accepted: () => Promise<WebSocket> }> {
  const gw = new Gateway(
    { maxPayload: 1 << 16, maxConnections: 10, pingIntervalMs: PING_MS, perMessageDeflate: false },
    createMetrics(),
    silentLogger(),
  );
  const sockets: WebSocket[] = [];
  gw.route('/ws', { authenticate: () => ({}), onConnection: (ws) => sockets.push(ws) });
  const server: Server = createServer();
  gw.attach(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanup.push(async () => {
    await gw.drain(100);
    await new Promise((r) => server.close(r));
  });
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
  const accepted = async () => {
    for (let i = 0; i < 200 && sockets.length === 0; i++) await sleep(10);
    return sockets.shift() as WebSocket;
  };
  return { url, accepted };
}

async function pausedClient(url: string): Promise<{ client: WebSocket; resume: () => void }> {
  const client = new WebSocket(url);
  cleanup.push(async () => client.terminate());
  await once(client, 'open');
  const socket = (client as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  socket.pause();
  return { client, resume: () => socket.resume() };
}

describe('gateway ping sweep', () => {
  it('terminates an open peer that stopped answering pings', async () => {
    const { url, accepted } = await gateway();
    const { client, resume } = await pausedClient(url);
    const server = await accepted();
    await once(server, 'close');
    const closed = once(client, 'close') as Promise<[number]>;
    resume();
    assert.equal((await closed)[0], 1006);
  });

  it('leaves a closing peer to its closer, so it still receives its 1013 close frame', async () => {
    const { url, accepted } = await gateway();
    const { client, resume } = await pausedClient(url);
    const server = await accepted();
    // A backlog larger than the kernel buffers, so the close frame waits in the server process behind it.
    const chunk = 'b'.repeat(1 << 20);
    for (let i = 0; i < 16; i++) server.send(chunk);
    assert.ok(server.bufferedAmount > 0, 'part of the backlog is still in the server process');
    server.close(1013, 'slow consumer');
    // Many sweeps pass while the peer reads nothing and answers no ping.
    await sleep(PING_MS * 8);
    let received = 0;
    client.on('message', () => received++);
    const closed = once(client, 'close') as Promise<[number, Buffer]>;
    resume();
    const [code, reason] = await closed;
    assert.equal(code, 1013);
    assert.equal(reason.toString(), 'slow consumer');
    assert.equal(received, 16, 'the whole backlog, then the close frame');
  });
});
