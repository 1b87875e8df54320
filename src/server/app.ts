// createApp(deps): the Express app and the WebSocket gateway wired to the given drivers. No listening,
// no signals, no env: main.ts (or a test) owns those.
import type { RequestListener } from 'node:http';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { consoleRouter } from './admin/console.js';
import { createAdmin } from './admin/index.js';
import { Authenticator } from './auth/authenticator.js';
import { resolvePrincipal } from './auth/http.js';
import { startBackupScheduler } from './backups/scheduler.js';
import { upgradeClientIp } from './channels/client-ip.js';
import { frameLimit } from './channels/inputs.js';
import { type HeaderMiddleware, leanPublish } from './channels/lean-publish.js';
import { createChannels } from './channels/service.js';
import type { Deps } from './deps.js';
import { createFiles, exceptSignedDownloads } from './files/index.js';
import { errorMiddleware, notFoundHandler, upgradeRequiredHandler } from './http/errors.js';
import { accessLog, corsFromAllowlist, requestContext } from './http/middleware.js';
import { clientScriptRouter } from './http/routes/client-script.js';
import { healthRouter } from './http/routes/health.js';
import { tokensRouter } from './http/routes/tokens.js';
import { createPusher } from './pusher/index.js';
import { Gateway } from './ws/gateway.js';

export interface App {
  express: Express;
  /** What the HTTP server calls: the lean publish route first, Express for everything else. */
  handler: RequestListener;
  gateway: Gateway;
  auth: Authenticator;
}

export function createApp(deps: Deps): App {
  const { config, log, metrics } = deps;
  const env = config.env;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', env.TRUST_PROXY);
  app.set('json replacer', (_key: string, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  );

  const gateway = new Gateway(
    {
      maxPayload: frameLimit(env.WS_MAX_PAYLOAD, env.CHANNEL_MAX_DATA_SIZE),
      maxConnections: env.WS_MAX_CONNECTIONS,
      pingIntervalMs: env.WS_PING_INTERVAL,
      perMessageDeflate: env.WS_PER_MESSAGE_DEFLATE,
    },
    metrics,
    log.child({ component: 'ws' }),
  );

  app.use(requestContext(log));
  app.use(accessLog(metrics));
  const securityHeaders = helmet();
  const corsHeaders = corsFromAllowlist(env.CORS_ORIGINS);
  app.use(securityHeaders);
  app.use(corsHeaders);
  const auth = new Authenticator(config.auth);
  const channels = createChannels(deps, auth, upgradeClientIp(app.get('trust proxy fn')));
  // One shared rate limit per caller covers channels (inside their router), token minting and files.
  app.use(['/v1/tokens', '/v1/files'], resolvePrincipal(auth), exceptSignedDownloads(channels.rateLimit));
  // Files stream their request bodies, so they are routed before the JSON parser could consume them.
  const files = createFiles(deps, auth);
  app.use(files.router);
  startBackupScheduler(deps);
  // Pusher's HTTP API signs the raw body (body_md5), so its router reads bodies itself, before the JSON parser.
  const pusher = createPusher(deps, channels.context);
  if (pusher) {
    app.use(pusher.router);
    gateway.route('/app/*', pusher.wsRoute);
  }
  app.use(express.json({ limit: env.BODY_LIMIT }));
  app.use(healthRouter(deps));

  app.use(clientScriptRouter(log));
  app.use(tokensRouter(auth));
  app.use(createAdmin(deps, auth, channels, files.service).router);
  app.use(consoleRouter(config));
  app.use(channels.router);
  gateway.route('/v1/ws', channels.wsRoute);
  app.all('/v1/ws', upgradeRequiredHandler);

  app.use(notFoundHandler);
  app.use(errorMiddleware(log));
  const lean = leanPublish({
    ctx: channels.context,
    auth,
    headers: [securityHeaders, corsHeaders] as HeaderMiddleware[],
    bodyLimit: env.BODY_LIMIT,
    metrics,
    log,
  });
  const handler: RequestListener = (req, res) => {
    if (!lean(req, res)) app(req, res);
  };
  return { express: app, handler, gateway, auth };
}
