// A TCP proxy on a free loopback port that holds every chunk for delayMs in each direction, so one server
// process can be made "far" from a dependency (PostgreSQL 60 ms away) while the others reach it directly.
import { createConnection, createServer, type Socket } from 'node:net';

export interface LatencyProxy {
  port: number;
  close: () => Promise<void>;
}

/** Forwards 127.0.0.1:<port> to target; chunks keep their order (equal delays fire in creation order). */
export async function startLatencyProxy(
  target: { host: string; port: number },
  delayMs: number,
): Promise<LatencyProxy> {
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const pipeDelayed = (from: Socket, to: Socket) => {
    from.on('data', (chunk) => {
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
      }, delayMs);
    });
    from.on('end', () => setTimeout(() => to.end(), delayMs));
    from.on('error', () => to.destroy());
  };
  const server = createServer((client) => {
    const upstream = createConnection(target);
    track(client);
    track(upstream);
    pipeDelayed(client, upstream);
    pipeDelayed(upstream, client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
