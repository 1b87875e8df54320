// A TCP load balancer for client tests: round-robin over a list of local backends that can change while it
// runs (a rolling restart), passing over backends that refuse the connection, as platform balancers do.
import { createConnection, createServer, type Socket } from 'node:net';
import { freePort } from '../helpers/services.js';

export interface Balancer {
  url: string;
  /** The backends new connections go to (existing ones stay where they are). */
  set(ports: number[]): void;
  /** Backend port of every connection made so far, in order. */
  readonly routed: number[];
  close(): Promise<void>;
}

export async function startBalancer(ports: number[]): Promise<Balancer> {
  let backends = [...ports];
  let next = 0;
  const routed: number[] = [];
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const connect = (client: Socket, tries: number) => {
    if (tries >= backends.length || client.destroyed) {
      client.destroy();
      return;
    }
    const port = backends[next++ % backends.length] as number;
    const upstream = createConnection({ host: '127.0.0.1', port });
    track(upstream);
    upstream.once('error', () => {
      // Refused (a stopped replica): try the next one, as long as nothing was exchanged yet.
      if (upstream.bytesRead === 0 && upstream.bytesWritten === 0) connect(client, tries + 1);
      else client.destroy();
    });
    upstream.once('connect', () => {
      routed.push(port);
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.resume();
    });
  };
  const server = createServer({ pauseOnConnect: true }, (client) => {
    track(client);
    connect(client, 0);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    set: (p) => {
      backends = [...p];
    },
    routed,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
