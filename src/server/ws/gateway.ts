// WebSocket gateway on the HTTP server's port (`ws` in noServer mode): routes upgrades by path, authenticates
// before accepting, enforces the per-replica connection cap and frame size, pings to find dead peers,
// and closes every socket with 1012 ("restart, reconnect") when the replica drains.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { HttpError } from '../http/errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';

export interface WsRoute<A = unknown> {
  /** Runs before the upgrade is accepted; throw HttpError to refuse it with that status. */
  authenticate(req: IncomingMessage, url: URL): Promise<A> | A;
  onConnection(ws: WebSocket, req: IncomingMessage, auth: A): void;
}

export interface GatewayOptions {
  maxPayload: number;
  maxConnections: number;
  pingIntervalMs: number;
  perMessageDeflate: boolean;
}

export const CLOSE_RESTART = 1012;

export class Gateway {
  readonly wss: WebSocketServer;
  readonly #routes = new Map<string, WsRoute<never>>();
  readonly #alive = new WeakSet<WebSocket>();
  #accepting = true;
  #pinger: NodeJS.Timeout;

  constructor(
    private readonly opts: GatewayOptions,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: opts.maxPayload,
      perMessageDeflate: opts.perMessageDeflate,
      clientTracking: true,
    });
    this.#pinger = setInterval(() => this.#sweep(), opts.pingIntervalMs);
    this.#pinger.unref();
  }

  route<A>(path: string, route: WsRoute<A>): void {
    this.#routes.set(path, route as WsRoute<never>);
  }

  get size(): number {
    return this.wss.clients.size;
  }

  attach(server: Server): void {
    server.on('upgrade', (req, socket, head) => {
      this.#upgrade(req, socket, head).catch((err: unknown) => {
        this.log.error({ err }, 'websocket upgrade failed');
        reject(socket, new HttpError(500, 'internal', 'internal server error'));
      });
    });
  }

  async #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = this.#routes.get(url.pathname);
    if (!route)
      return reject(socket, new HttpError(404, 'route_not_found', `no WebSocket route at ${url.pathname}`));
    if (!this.#accepting)
      return reject(socket, new HttpError(503, 'draining', 'server is restarting, reconnect'));
    if (this.wss.clients.size >= this.opts.maxConnections) {
      return reject(
        socket,
        new HttpError(503, 'too_many_connections', 'connection limit of this replica reached'),
      );
    }
    let auth: never;
    try {
      auth = (await route.authenticate(req, url)) as never;
    } catch (err) {
      if (err instanceof HttpError) return reject(socket, err);
      throw err;
    }
    if (socket.destroyed) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.#alive.add(ws);
      this.metrics.wsConnections.inc();
      ws.on('pong', () => this.#alive.add(ws));
      ws.on('close', () => this.metrics.wsConnections.dec());
      ws.on('error', (err) => this.log.debug({ err: err.message }, 'websocket error'));
      route.onConnection(ws, req, auth);
    });
  }

  /** A peer that did not answer the previous ping within one interval is gone: terminate it. */
  #sweep(): void {
    for (const ws of this.wss.clients) {
      if (!this.#alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.#alive.delete(ws);
      ws.ping();
    }
  }

  /** Refuses new upgrades and closes open sockets with 1012; resolves once all are closed or timeoutMs passed. */
  async drain(timeoutMs: number): Promise<void> {
    this.#accepting = false;
    clearInterval(this.#pinger);
    for (const ws of this.wss.clients) ws.close(CLOSE_RESTART, 'server restart, reconnect');
    const deadline = Date.now() + timeoutMs;
    while (this.wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

function reject(socket: Duplex, err: HttpError): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: { code: err.code, message: err.message } });
  const extra = Object.entries(err.options.headers ?? {})
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${err.status} ${err.code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`,
  );
}
