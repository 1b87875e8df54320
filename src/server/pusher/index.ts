// The Pusher Channels face on paasport's port: the WebSocket route `/app/{key}`, the HTTP API router for
// `/apps/{id}`, and its background work (occupancy heartbeat, fan-out sweep, terminate requests from other
// replicas), stopped by drain. Undefined when no Pusher app is configured.
import type { IncomingMessage } from 'node:http';
import type { Router } from 'express';
import type { WebSocket } from 'ws';
import type { ChannelContext } from '../channels/context.js';
import type { Deps } from '../deps.js';
import { failureLevel } from '../drivers/outage.js';
import type { WsRoute } from '../ws/gateway.js';
import { appsFromEnv, type PusherApp } from './apps.js';
import { createPusherFanOut } from './bridge.js';
import { Face } from './face.js';
import { errorFrame } from './frames.js';
import { pusherRouter } from './http-api.js';
import { Occupancy } from './occupancy.js';
import { PusherSession } from './session.js';
import { Webhooks } from './webhooks.js';

export interface Pusher {
  face: Face;
  router: Router;
  /** Mounted at `/app/*`: the key is the last path segment. */
  wsRoute: WsRoute<Upgrade>;
}

interface Upgrade {
  app: PusherApp | undefined;
  protocol: number;
}

/** Refuses a connection the way Pusher does: accepted, then `pusher:error` and a close with the code. */
function refuse(ws: WebSocket, code: number, message: string): void {
  ws.send(errorFrame(code, message));
  ws.close(code, message);
}

export function createPusher(deps: Deps, context: ChannelContext): Pusher | undefined {
  const env = deps.config.env;
  const apps = appsFromEnv(env);
  if (apps.size === 0) return undefined;
  const log = deps.log.child({ component: 'pusher' });
  const fanout = createPusherFanOut(deps, context);
  const occupancy = new Occupancy(deps.sharedState, env.PRESENCE_TTL);
  const webhooks = new Webhooks(
    { batchMs: env.PUSHER_WEBHOOK_BATCH, retries: env.PUSHER_WEBHOOK_RETRIES },
    log,
  );
  const face = new Face(
    apps,
    fanout,
    occupancy,
    webhooks,
    context,
    deps,
    {
      activityTimeoutS: Math.max(1, Math.round(env.PUSHER_ACTIVITY_TIMEOUT / 1000)),
      signinTimeoutMs: env.PUSHER_SIGNIN_TIMEOUT,
      timestampSkewMs: env.PUSHER_TIMESTAMP_SKEW,
      maxDataSize: env.CHANNEL_MAX_DATA_SIZE,
    },
    log,
  );

  const heartbeat = setInterval(() => {
    occupancy
      .heartbeat()
      .then(async ({ vacated, removed }) => {
        for (const { ref, member } of removed) {
          await face.announce(ref, 'removed', member, '');
          const app = apps.byId(ref.appId);
          if (app) webhooks.emit(app, { name: 'member_removed', channel: ref.name, user_id: member.user_id });
        }
        for (const ref of vacated) {
          const app = apps.byId(ref.appId);
          if (app) webhooks.emit(app, { name: 'channel_vacated', channel: ref.name });
        }
      })
      .catch((err: unknown) => log[failureLevel(err)]({ err }, 'pusher occupancy heartbeat failed'));
  }, env.PRESENCE_HEARTBEAT);
  heartbeat.unref();
  const sweeper = setInterval(() => {
    fanout.sweep().catch((err: unknown) => log[failureLevel(err)]({ err }, 'pusher channel sweep failed'));
  }, env.CHANNEL_SYNC_INTERVAL);
  sweeper.unref();
  const offResync = deps.bus.onResync(() => fanout.resync());
  const terminations = deps.bus.subscribe(face.userTopic(), (payload) => {
    try {
      const { app, user } = JSON.parse(payload) as { app: string; user: string };
      face.terminateLocal(app, user);
    } catch (err) {
      log.warn({ err }, 'bad terminate request on the bus');
    }
  });
  terminations.catch((err: unknown) =>
    log[failureLevel(err)]({ err }, 'pusher terminate subscription failed'),
  );
  deps.lifecycle.onStop('pusher', async () => {
    clearInterval(heartbeat);
    clearInterval(sweeper);
    offResync();
    await (await terminations.catch(() => undefined))?.();
    await webhooks.stop();
    await fanout.close();
  });

  const wsRoute: WsRoute<Upgrade> = {
    authenticate(_req: IncomingMessage, url: URL): Upgrade {
      const key = decodeURIComponent(url.pathname.slice('/app/'.length));
      return { app: apps.byKey(key), protocol: Number(url.searchParams.get('protocol') ?? Number.NaN) };
    },
    onConnection(ws: WebSocket, _req: IncomingMessage, { app, protocol }: Upgrade) {
      if (!app) return refuse(ws, 4001, 'App key not in this app');
      if (Number.isNaN(protocol)) return refuse(ws, 4008, 'No protocol version supplied');
      if (protocol < 5 || protocol > 7) return refuse(ws, 4007, 'Unsupported protocol version');
      new PusherSession(ws, app, face);
    },
  };
  return { face, router: pusherRouter(face, env.BODY_LIMIT), wsRoute };
}
