// WebSocket gateway on the HTTP server's port (`ws` in noServer mode): routes upgrades by path, authenticates
// before accepting, enforces the per-replica connection cap and frame size, pings to find dead peers,
// and closes every socket with 1012 ("restart, reconnect") when the replica drains. A refused upgrade is accepted
// and closed at once with a 4xxx code and a reason (refusal.ts), so browsers can read why; it is logged.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { DomainError, internalError } from '../errors/domain-error.js';
import { asDomainError, toHttp } from '../http/errors.js';
import { redactUrl } from '../http/middleware.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { refusalCode, refusalReason } from './refusal.js';

export interface WsRoute<A = unknown> {
  /** Runs before the upgrade is accepted; throw a DomainError to refuse it (closed with its refusal code). */
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
/** Close code for a connection the server failed to set up. */
export const CLOSE_INTERNAL = 1011;
/** A refused socket whose peer does not answer the close frame is cut after this long. */
const REFUSAL_LINGER_MS = 5000;

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

  /** A path ending in `/*` serves every path under it (e.g. `/app/*` for `/app/{key}`). */
  route<A>(path: string, route: WsRoute<A>): void {
    this.#routes.set(path, route as WsRoute<never>);
  }

  #find(pathname: string): WsRoute<never> | undefined {
    const exact = this.#routes.get(pathname);
    if (exact) return exact;
    for (const [path, route] of this.#routes)
      if (path.endsWith('/*') && pathname.startsWith(path.slice(0, -1)) && pathname.length >= path.length)
        return route;
    return undefined;
  }

  get size(): number {
    return this.wss.clients.size;
  }

  attach(server: Server): void {
    server.on('upgrade', (req, socket, head) => {
      this.#upgrade(req, socket, head).catch((err: unknown) => {
        this.log.error({ err }, 'websocket upgrade failed');
        this.#refuse(req, socket, head, internalError(err));
      });
    });
  }

  async #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = this.#find(url.pathname);
    if (!route)
      return reject(
        socket,
        new DomainError('route_not_found', `no WebSocket route at ${url.pathname}`, { status: 404 }),
      );
    if (!this.#accepting) {
      const draining = new DomainError('draining', 'server is restarting, reconnect', { status: 503 });
      return this.#refuse(req, socket, head, draining);
    }
    if (this.wss.clients.size >= this.opts.maxConnections) {
      const message = 'connection limit of this replica reached';
      const full = new DomainError('too_many_connections', message, { status: 503 });
      return this.#refuse(req, socket, head, full);
    }
    let auth: never;
    try {
      auth = (await route.authenticate(req, url)) as never;
    } catch (err) {
      const known = asDomainError(err);
      if (known) return this.#refuse(req, socket, head, known);
      throw err;
    }
    if (socket.destroyed) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.#alive.add(ws);
      this.metrics.wsConnections.inc();
      ws.on('pong', () => this.#alive.add(ws));
      ws.on('close', () => this.metrics.wsConnections.dec());
      ws.on('error', (err) => this.log.debug({ err: err.message }, 'websocket error'));
      try {
        route.onConnection(ws, req, auth);
      } catch (err) {
        this.log.error({ err }, 'websocket connection setup failed');
        ws.close(CLOSE_INTERNAL, 'internal error');
      }
    });
  }

  /**
   * Completes the handshake only to close with the refusal's code and reason: a browser sees the failed
   * upgrade's HTTP status as a bare 1006. The socket never gets a session, and never counts as a connection.
   */
  #refuse(req: IncomingMessage, socket: Duplex, head: Buffer, err: DomainError): void {
    const code = refusalCode(err);
    const reason = refusalReason(err);
    const level = err.code === 'internal' ? 'warn' : 'info';
    this.log[level]({ code: err.code, close: code, url: redactUrl(req.url ?? '/') }, 'websocket refused');
    if (socket.destroyed) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => ws.terminate());
      ws.close(code, reason);
      const linger = setTimeout(() => ws.terminate(), REFUSAL_LINGER_MS);
      linger.unref();
      ws.once('close', () => clearTimeout(linger));
    });
  }

  /**
   * A peer that did not answer the previous ping within one interval is gone: terminate it. Peers already
   * closing are left to whoever closes them (bounded: the outbox cuts slow consumers, drain terminates, ws
   * itself after 30s): their pong may sit behind a backlog, and cutting them would lose their close frame.
   */
  #sweep(): void {
    for (const ws of this.wss.clients) {
      if (ws.readyState !== ws.OPEN) continue;
      if (!this.#alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.#alive.delete(ws);
      ws.ping();
    }
  }

  /** New upgrades are refused `draining` (close 4503) from now on; open sockets stay until drain(). */
  refuseNew(): void {
    this.#accepting = false;
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

function reject(socket: Duplex, err: DomainError): void {
  if (socket.destroyed) return;
  const { status, headers, body } = toHttp(err);
  const text = JSON.stringify(body);
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${status} ${err.code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n${extra}Connection: close\r\n\r\n${text}`,
  );
}
