// Cross-cutting HTTP middleware: request ids, access logs with duration metrics (credentials in query
// strings redacted), and CORS from the allowlist.
import { randomUUID } from 'node:crypto';
import cors from 'cors';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { redactUrl } from '../util/redact.js';

export { redactUrl } from '../util/redact.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

declare global {
  namespace Express {
    interface Request {
      id: string;
      log: Logger;
    }
  }
}

/** A sane incoming X-Request-Id (platform proxies set one), or a new one. */
export function requestIdOf(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** Honours a sane incoming X-Request-Id and returns it on every response. */
export function requestContext(log: Logger): RequestHandler {
  return (req, res, next) => {
    req.id = requestIdOf(req.headers['x-request-id']);
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

/** One answered request: its duration in the route metric and, except probes, an access log line. */
export function recordRequest(
  metrics: Pick<Metrics, 'httpDuration'>,
  log: Logger,
  r: { method: string; route: string; url: string; status: number; start: bigint },
): void {
  const seconds = Number(process.hrtime.bigint() - r.start) / 1e9;
  metrics.httpDuration.observe({ method: r.method, route: r.route, status: String(r.status) }, seconds);
  if (r.route === '/healthz' || r.route === '/readyz' || r.route === '/metrics') return;
  if (!log.isLevelEnabled('info')) return;
  const ms = Math.round(seconds * 1e4) / 10;
  log.info({ method: r.method, url: redactUrl(r.url), status: r.status, ms }, 'request');
}

export function accessLog(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const { method, originalUrl: url } = req;
      recordRequest(metrics, req.log, { method, route: routeOf(req), url, status: res.statusCode, start });
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
