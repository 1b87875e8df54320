// Cross-cutting HTTP middleware: request ids, access logs with duration metrics (credentials in query
// strings redacted), and CORS from the allowlist.
import { randomUUID } from 'node:crypto';
import cors from 'cors';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

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

/** Query parameters that carry a credential: signed file URLs (ours and S3's) and client tokens. */
const SECRET_PARAM =
  /^(signature|x-amz-signature|x-amz-credential|x-amz-security-token|token|access_token)$/i;

function paramName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/** The URL as logged: credential values replaced, so a log line never holds a link that still works. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return SECRET_PARAM.test(paramName(name)) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
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

export function corsFromAllowlist(origins: string[]): RequestHandler {
  if (origins.includes('*')) return cors({ origin: '*', maxAge: 600 });
  const allowed = new Set(origins);
  return cors({ origin: (origin, cb) => cb(null, origin !== undefined && allowed.has(origin)), maxAge: 600 });
}
