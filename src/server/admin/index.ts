// Wires the admin API: the replica cluster on the bus, token revocations (also enforced by the
// Authenticator), the metrics sampler, and the routes behind one guard (API key only) that logs every call
// with its principal (the key's digest id, never the key).
import { type RequestHandler, Router } from 'express';
import type { Authenticator } from '../auth/authenticator.js';
import { requireAdmin, resolvePrincipal } from '../auth/http.js';
import type { Channels } from '../channels/service.js';
import type { Deps } from '../deps.js';
import { failureLevel } from '../drivers/outage.js';
import type { FileService } from '../files/service.js';
import { Cluster } from './cluster.js';
import { MetricsSummary } from './metrics-summary.js';
import { opsRouter } from './ops-routes.js';
import { Revocations } from './revocations.js';
import { adminRouter } from './routes.js';
import { VERSION } from './status.js';

/** Logs each admin call once it is answered: who (principal id), what (route) and the outcome. */
const auditLog: RequestHandler = (req, res, next) => {
  res.on('finish', () => {
    const route = (req.route as { path?: string } | undefined)?.path ?? req.path;
    req.log.info(
      { admin: true, principal: req.principal.id, action: `${req.method} ${route}`, status: res.statusCode },
      'admin call',
    );
  });
  requireAdmin(req);
  next();
};

export function createAdmin(
  deps: Deps,
  auth: Authenticator,
  channels: Channels,
  files: FileService,
): { router: Router; cluster: Cluster; revocations: Revocations } {
  const log = deps.log.child({ component: 'admin' });
  const startedAt = Date.now() - Math.round(process.uptime() * 1000);
  const cluster = new Cluster(
    deps.bus,
    deps.config.redis.keyPrefix,
    () => ({ version: VERSION, connections: channels.connections.size, draining: deps.lifecycle.draining }),
    log,
  );
  const revocations = new Revocations(deps.sharedState, cluster, channels.connections, log);
  auth.checkRevocations(revocations.check);
  const summary = new MetricsSummary(deps.metrics.registry);

  cluster.start().catch((err: unknown) => log[failureLevel(err)]({ err }, 'admin bus subscription failed'));
  revocations.start();
  summary.start();
  deps.lifecycle.onStop('admin', async () => {
    revocations.stop();
    summary.stop();
    await cluster.stop();
  });

  const router = Router();
  router.use('/v1/admin', resolvePrincipal(auth), channels.rateLimit, auditLog);
  router.use(adminRouter({ db: deps.db, channels, cluster, revocations }));
  router.use(opsRouter({ deps, files, cluster, summary, startedAt }));
  return { router, cluster, revocations };
}
