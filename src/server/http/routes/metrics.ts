// GET /metrics (Prometheus text): on the main port, or on a listener of its own when METRICS_PORT is set, and
// behind `Authorization: Bearer <METRICS_TOKEN>` when that is set. The metrics name routes, drivers and
// dependency states, nothing about messages or users; still, operators may not want them public.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import express, { type RequestHandler } from 'express';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics.js';
import { HttpError } from '../errors.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function metricsHandler(metrics: Metrics, token: string | undefined): RequestHandler {
  const expected = token === undefined ? undefined : digest(token);
  return async (req, res) => {
    if (expected) {
      const given = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1];
      if (given === undefined || !timingSafeEqual(digest(given), expected)) {
        throw new HttpError(401, 'unauthorized', 'metrics need Authorization: Bearer <METRICS_TOKEN>', {
          headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' },
        });
      }
    }
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(await metrics.registry.metrics());
  };
}

/** The METRICS_PORT listener: /metrics only, everything else 404. */
export async function startMetricsServer(
  opts: { port: number; host: string; token: string | undefined },
  metrics: Metrics,
  log: Logger,
  onError: ErrorHandlerFactory,
): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metricsHandler(metrics, opts.token));
  app.use((req) => {
    throw new HttpError(404, 'route_not_found', `only /metrics is served on this port, not ${req.path}`);
  });
  app.use(onError(log));
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as { port: number };
  log.info({ port }, 'metrics listening on their own port');
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

type ErrorHandlerFactory = (log: Logger) => express.ErrorRequestHandler;
