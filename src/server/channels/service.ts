// Composition of the channels on one replica: store, fan-out, publisher, presence, rate limiter and
// retention built from Deps, the HTTP router and the `/v1/ws` route, and the stop hooks for drain.
import type { IncomingMessage } from 'node:http';
import type { RequestHandler, Router } from 'express';
import type { WebSocket } from 'ws';
import type { Authenticator } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import type { Deps } from '../deps.js';
import { failureLevel } from '../drivers/outage.js';
import { rateLimited } from '../errors/domain-error.js';
import type { WsRoute } from '../ws/gateway.js';
import { createChannelMetrics } from './channel-metrics.js';
import { ConnectionRegistry } from './connections.js';
import type { ChannelContext } from './context.js';
import { FanOut } from './fanout.js';
import { channelRouter, rateLimit } from './http-routes.js';
import { Outbox } from './outbox.js';
import { Presence } from './presence.js';
import { createPresenceStore } from './presence-store.js';
import { Publisher } from './publisher.js';
import { createRateLimiter, type RateLimits } from './rate-limit.js';
import { startRetention } from './retention.js';
import { ChannelStore } from './store.js';
import { Session } from './ws-session.js';

export interface Channels {
  router: Router;
  wsRoute: WsRoute<Principal>;
  context: ChannelContext;
  /** This replica's open WebSocket connections (admin API). */
  connections: ConnectionRegistry;
  /** The per-caller HTTP rate limit, for other routers that should share it. */
  rateLimit: RequestHandler;
}

export function createChannels(
  deps: Deps,
  auth: Authenticator,
  clientIp: (req: IncomingMessage) => string,
): Channels {
  const { config, db, bus, sharedState, lifecycle } = deps;
  const env = config.env;
  const log = deps.log.child({ component: 'channels' });
  const prefix = config.redis.keyPrefix;
  const metrics = createChannelMetrics(deps.metrics);

  const store = new ChannelStore(db);
  const outbox = new Outbox(env.WS_MAX_BUFFERED);
  const fanout = new FanOut(bus, store, outbox, prefix, metrics, log);
  const publisher = new Publisher(store, fanout, bus, metrics, log);
  const presenceStore = createPresenceStore(sharedState, env.PRESENCE_TTL);
  const presence = new Presence(presenceStore, bus, (c) => fanout.topic(c), log);
  const limits: RateLimits = {
    enabled: env.RATE_LIMIT_ENABLED,
    windowMs: env.RATE_LIMIT_WINDOW,
    apiKey: env.RATE_LIMIT_API_KEY,
    token: env.RATE_LIMIT_TOKEN,
    anonymous: env.RATE_LIMIT_ANONYMOUS,
  };
  const rateLimiter = createRateLimiter(sharedState, limits, log);

  const connections = new ConnectionRegistry();
  const inflight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>, what: string) => {
    const p = work.catch((err: unknown) => log[failureLevel(err)]({ err }, `${what} failed`));
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  };

  const context: ChannelContext = {
    store,
    fanout,
    publisher,
    presence,
    outbox,
    rateLimiter,
    metrics,
    log,
    track,
    verifyToken: (token) => auth.fromToken(token),
    limits: {
      recoveryMax: env.CHANNEL_RECOVERY_MAX,
      maxDataSize: env.CHANNEL_MAX_DATA_SIZE,
      maxSubscriptions: env.CHANNEL_MAX_SUBSCRIPTIONS,
      rateLimitEnabled: env.RATE_LIMIT_ENABLED,
    },
  };

  // Background work; each piece is stopped by drain before the drivers close.
  const offResync = bus.onResync(() => fanout.resync());
  const sweeper = setInterval(() => {
    fanout.sweep().catch((err: unknown) => log[failureLevel(err)]({ err }, 'channel sync sweep failed'));
  }, env.CHANNEL_SYNC_INTERVAL);
  sweeper.unref();
  presence.start(env.PRESENCE_HEARTBEAT);
  const stopRetention = startRetention(
    db,
    { maxAgeMs: env.CHANNEL_RETENTION_MAX_AGE, maxMessages: env.CHANNEL_RETENTION_MAX_MESSAGES },
    env.CHANNEL_RETENTION_INTERVAL,
    log,
  );
  lifecycle.onStop('channels', async () => {
    offResync();
    clearInterval(sweeper);
    presence.stop();
    outbox.flush();
    await stopRetention();
    await Promise.allSettled([...inflight]);
    await fanout.close();
  });

  const wsRoute: WsRoute<Principal> = {
    async authenticate(req: IncomingMessage, url: URL) {
      const principal = await auth.fromUpgrade(req, url, clientIp(req));
      const d = await rateLimiter.take(principal);
      if (!d.allowed) {
        metrics.rateLimited.inc({ transport: 'ws' });
        throw rateLimited(d.limit, d.retryAfterMs);
      }
      return principal;
    },
    onConnection(ws: WebSocket, req: IncomingMessage, principal: Principal) {
      connections.add(new Session(ws, principal, context), clientIp(req));
    },
  };

  return {
    router: channelRouter(context, auth),
    wsRoute,
    context,
    connections,
    rateLimit: rateLimit(context),
  };
}
