// Cross-cutting HTTP middleware: request ids, access logs with duration metrics (credentials in query
// strings redacted), and CORS from the allowlist.
import { randomUUID } from 'node:crypto';
import cors from 'cors';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { redactUrl } from '../util/redact.js';

export { redactUrl } from '../util/redact.js';

export const REQUEST_ID = /^[\w.:-]{1,128}$/;

declare global {
  namespace Express {
    interface Request {
      id: string;
      log: Logger;
    }
  }
}

/** Honours a sane incoming X-Request-Id (platform proxies set one) and returns it on every response. */
export function requestContext(log: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    req.id = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.log = log.child({ reqId: req.id });
    res.setHeader('X-Request-Id', req.id);
    next();
  };
}

/** The route template (e.g. /v1/channels/:channel) keeps metric label cardinality bounded. */
function routeOf(req: Request): string {
  const path = (req.route as { path?: string } | undefined)?.path;
  return path === undefined ? 'unmatched' : `${req.baseUrl}${path}`;
}

export function accessLog(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const route = routeOf(req);
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      if (route === '/healthz' || route === '/readyz' || route === '/metrics') return;
      req.log.info(
        {
          method: req.method,
          url: redactUrl(req.originalUrl),
          status: res.statusCode,
          ms: Math.round(seconds * 1e4) / 10,
        },
        'request',
      );
    });
    next();
  };
}

/**
 * Response headers browser code may read besides the CORS-safelisted ones: rate limits and when to retry,
 * idempotent replays, request ids for support, and what file downloads need (validators, ranges, names).
 */
export const EXPOSED_HEADERS = [
  'Retry-After',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Idempotent-Replayed',
  'X-Request-Id',
  'ETag',
  'Content-Disposition',
  'Content-Range',
  'Content-Length',
  'Accept-Ranges',
  'Location',
];

export function corsFromAllowlist(origins: string[]): RequestHandler {
  const common = { maxAge: 600, exposedHeaders: EXPOSED_HEADERS };
  if (origins.includes('*')) return cors({ ...common, origin: '*' });
  const allowed = new Set(origins);
  return cors({ ...common, origin: (origin, cb) => cb(null, origin !== undefined && allowed.has(origin)) });
}
