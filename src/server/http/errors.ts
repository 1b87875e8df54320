// The one HTTP error path: handlers throw a DomainError (or let anything else escape), Express 5 forwards
// async throws here, and toHttp maps it to {"error":{"code","message","field"?,"details"?}} with its status
// and Retry-After. Unexpected errors are logged and answered 500 `internal`. The WebSocket upgrade uses it too.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { DomainError, fromZodError, internalError } from '../errors/domain-error.js';
import type { Logger } from '../logger.js';

/** A DomainError raised by HTTP-only code, which may add response headers (Content-Range, Accept, ...). */
export class HttpError extends DomainError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly options: { cause?: unknown; headers?: Record<string, string>; details?: unknown } = {},
  ) {
    super(code, message, { status, cause: options.cause, details: options.details });
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string, code = 'bad_request') => new HttpError(400, code, message);
export const notFound = (message: string, code = 'not_found') => new HttpError(404, code, message);

export interface HttpErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: { error: { code: string; message: string; field?: string; details?: unknown } };
}

/** Errors raised by body-parser and the router carry a status and a type; keep their status, name the problem. */
function fromFrameworkError(err: unknown): DomainError | undefined {
  const e = err as { status?: unknown; type?: unknown; message?: unknown } | null;
  if (typeof e?.status !== 'number' || e.status < 400 || e.status >= 500) return undefined;
  const message = typeof e.message === 'string' ? e.message : 'bad request';
  switch (e.type) {
    case 'entity.parse.failed':
      return new DomainError('invalid_json', `request body is not valid JSON: ${message}`);
    case 'entity.too.large':
      return new DomainError('payload_too_large', 'request body is larger than the configured limit', {
        status: 413,
      });
    case 'encoding.unsupported':
      return new DomainError('unsupported_encoding', message, { status: 415 });
    default:
      return new DomainError('bad_request', message, { status: e.status });
  }
}

/** The DomainError an escaped error stands for; undefined when it is unexpected (a bug or an outage). */
export function asDomainError(err: unknown): DomainError | undefined {
  if (err instanceof DomainError) return err;
  if (err instanceof ZodError) return fromZodError(err);
  return fromFrameworkError(err);
}

export function toHttp(err: DomainError): HttpErrorResponse {
  const headers: Record<string, string> = {};
  if (err.retryAfterMs !== undefined) {
    headers['Retry-After'] = String(Math.max(1, Math.ceil(err.retryAfterMs / 1000)));
  }
  if (err instanceof HttpError) Object.assign(headers, err.options.headers);
  const body: HttpErrorResponse['body']['error'] = { code: err.code, message: err.message };
  if (err.field !== undefined) body.field = err.field;
  if (err.details !== undefined) body.details = err.details;
  return { status: err.status, headers, body: { error: body } };
}

const REPRESENTATION_HEADERS = new Set([
  'accept-ranges',
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-length',
  'content-range',
  'content-type',
  'etag',
  'last-modified',
]);

/** The answer to an error a handler let escape; unexpected ones (bugs, not user errors) are logged. */
export function answerError(err: unknown, log: Logger): HttpErrorResponse {
  const known = asDomainError(err);
  // A dependency outage is logged once when it starts and once when it ends (drivers/health.ts), not per request.
  if (!known || (known.status >= 500 && known.code !== 'unavailable')) log.error({ err }, 'request failed');
  return toHttp(known ?? internalError(err));
}

export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const answer = answerError(err, (req as { log?: Logger }).log ?? log);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // Headers set for the answer the handler meant to give (a file's type, length, ETag) do not describe an error.
    for (const name of res.getHeaderNames()) if (REPRESENTATION_HEADERS.has(name)) res.removeHeader(name);
    const { status, headers, body } = answer;
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.status(status).json(body);
  };
}

export const notFoundHandler: RequestHandler = (req) => {
  throw new HttpError(404, 'route_not_found', `no route for ${req.method} ${req.path}`);
};

/** Plain HTTP on a WebSocket path (a browser tab, curl without upgrade headers): say what is needed. */
export const upgradeRequiredHandler: RequestHandler = (req) => {
  throw new HttpError(
    426,
    'upgrade_required',
    `${req.path} is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket), e.g. new WebSocket('wss://<host>${req.path}?token=<token>')`,
    { headers: { Upgrade: 'websocket', Connection: 'Upgrade' } },
  );
};
