// A TCP proxy between one replica and a dependency (PostgreSQL or Redis) that can add latency, stall the
// traffic (sockets stay open, nothing moves: a network partition as the replica sees it) or cut every
// connection. Bytes keep their order in every mode; a stall holds them and lets them through on heal.
import { createConnection, createServer, type Socket } from 'node:net';

export interface FaultProxy {
  port: number;
  /** Holds each chunk this long in each direction. */
  delay(ms: number): void;
  /** Stops forwarding and accepting upstream connections until heal(); nothing is closed. */
  stall(): void;
  /** Destroys every open connection (new ones are accepted). */
  cut(): void;
  /** Back to plain forwarding; held bytes and connections go through. */
  heal(): void;
  close(): Promise<void>;
}

interface Direction {
  from: Socket;
  to: Socket;
  lastDue: number;
  held: Buffer[];
}

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  let delayMs = 0;
  let stalled = false;
  const sockets = new Set<Socket>();
  const directions = new Set<Direction>();
  const waiting: Socket[] = [];

  const write = (d: Direction, chunk: Buffer) => {
    if (stalled) d.held.push(chunk);
    else if (!d.to.destroyed) d.to.write(chunk);
  };
  const forward = (d: Direction) => {
    d.from.on('data', (chunk: Buffer) => {
      const now = Date.now();
      const due = Math.max(now + delayMs, d.lastDue);
      d.lastDue = due;
      if (due <= now && d.held.length === 0) write(d, chunk);
      // Equal due times fire in creation order, so chunks never overtake each other.
      else setTimeout(() => write(d, chunk), due - now);
    });
    d.from.on('end', () => setTimeout(() => d.to.end(), Math.max(0, d.lastDue - Date.now())));
    directions.add(d);
  };
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('error', () => s.destroy());
    s.on('close', () => sockets.delete(s));
  };
  const link = (client: Socket) => {
    const upstream = createConnection(target);
    track(upstream);
    const up: Direction = { from: client, to: upstream, lastDue: 0, held: [] };
    const down: Direction = { from: upstream, to: client, lastDue: 0, held: [] };
    forward(up);
    forward(down);
    client.on('close', () => {
      upstream.destroy();
      directions.delete(up);
    });
    upstream.on('close', () => {
      client.destroy();
      directions.delete(down);
    });
    client.resume();
  };

  const server = createServer({ pauseOnConnect: true }, (client) => {
    track(client);
    if (stalled) waiting.push(client);
    else link(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });

  return {
    port: (server.address() as { port: number }).port,
    delay(ms) {
      delayMs = ms;
    },
    stall() {
      stalled = true;
      for (const d of directions) d.from.pause();
    },
    cut() {
      for (const s of sockets) s.resetAndDestroy();
    },
    heal() {
      delayMs = 0;
      stalled = false;
      for (const d of directions) {
        for (const chunk of d.held.splice(0)) if (!d.to.destroyed) d.to.write(chunk);
        d.from.resume();
      }
      for (const client of waiting.splice(0)) if (!client.destroyed) link(client);
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
