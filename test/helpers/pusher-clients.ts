// Pusher clients nobody here wrote, pointed at a paasport server: pusher-js (its Node build) with channel
// and user authorization done by the `pusher` server library, waiting helpers for their events, and a
// webhook receiver that keeps raw bodies for the library's signature check.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Pusher from 'pusher';
import PusherJsModule from 'pusher-js';

/** pusher-js ships CommonJS: at run time the default import is the client class itself. */
export const PusherJs = PusherJsModule as unknown as typeof PusherJsModule.default;
export type PusherClient = PusherJsModule.default;
export type PusherChannel = PusherJsModule.Channel;

export interface AppCreds {
  id: string;
  key: string;
  secret: string;
}

export function serverLib(port: number, app: AppCreds, extra: Partial<Pusher.Options> = {}): Pusher {
  return new Pusher({
    appId: app.id,
    key: app.key,
    secret: app.secret,
    host: '127.0.0.1',
    port: String(port),
    useTLS: false,
    ...extra,
  } as Pusher.Options);
}

/** pusher-js options that reach a local server over plain ws only. */
export function clientOptions(
  port: number,
  authLib: Pusher,
  userId = 'u1',
  userInfo: unknown = { name: userId },
) {
  return {
    cluster: 'local',
    wsHost: '127.0.0.1',
    wsPort: port,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    channelAuthorization: {
      endpoint: '/unused',
      transport: 'ajax' as const,
      customHandler: (
        p: { socketId: string; channelName: string },
        cb: (
          err: Error | null,
          auth: { auth: string; channel_data?: string; shared_secret?: string } | null,
        ) => void,
      ) => {
        const presence = p.channelName.startsWith('presence-')
          ? { user_id: userId, user_info: userInfo as Record<string, unknown> }
          : undefined;
        cb(null, authLib.authorizeChannel(p.socketId, p.channelName, presence));
      },
    },
    userAuthentication: {
      endpoint: '/unused',
      transport: 'ajax' as const,
      customHandler: (
        p: { socketId: string },
        cb: (err: Error | null, auth: { auth: string; user_data: string } | null) => void,
      ) => cb(null, authLib.authenticateUser(p.socketId, { id: userId })),
    },
  };
}

export function connectClient(port: number, key: string, authLib: Pusher, userId = 'u1'): PusherClient {
  return new PusherJs(key, clientOptions(port, authLib, userId) as unknown as PusherJsModule.Options);
}

export function connected(p: PusherClient, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    if (p.connection.state === 'connected') return resolve(p.connection.socket_id);
    const t = setTimeout(() => reject(new Error(`not connected: ${p.connection.state}`)), timeoutMs);
    p.connection.bind('connected', () => {
      clearTimeout(t);
      resolve(p.connection.socket_id);
    });
  });
}

/** Resolves with the data of the next `event` on the channel (or the global binder when channel is omitted). */
export function nextEvent<T = unknown>(
  target: {
    bind(event: string, cb: (data: T) => void): unknown;
    unbind(event: string, cb: (data: T) => void): unknown;
  },
  event: string,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const cb = (data: T) => {
      clearTimeout(t);
      target.unbind(event, cb);
      resolve(data);
    };
    const t = setTimeout(() => {
      target.unbind(event, cb);
      reject(new Error(`no ${event} within ${timeoutMs}ms`));
    }, timeoutMs);
    target.bind(event, cb);
  });
}

export async function subscribed(p: PusherClient, name: string): Promise<PusherChannel> {
  const channel = p.subscribe(name);
  if (!channel.subscribed) await nextEvent(channel, 'pusher:subscription_succeeded');
  return channel;
}

export interface WebhookReceiver {
  url: string;
  /** Every request as received: headers and raw body. */
  received: { headers: Record<string, string>; rawBody: string }[];
  /** Answer the next n requests with 500 (to exercise retries). */
  failNext(n: number): void;
  close(): Promise<void>;
}

export async function webhookReceiver(): Promise<WebhookReceiver> {
  const received: WebhookReceiver['received'] = [];
  let failing = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failing > 0) {
        failing--;
        res.statusCode = 500;
        return res.end();
      }
      received.push({
        headers: req.headers as Record<string, string>,
        rawBody: Buffer.concat(chunks).toString(),
      });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    failNext: (n) => {
      failing = n;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
