// The one error path: handlers throw HttpError (or let anything else escape) and errorMiddleware maps it
// to {"error":{"code","message"}} with the right status; unexpected errors are logged and answered 500.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logger.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: { cause?: unknown; headers?: Record<string, string>; details?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string, code = 'bad_request') => new HttpError(400, code, message);
export const notFound = (message: string, code = 'not_found') => new HttpError(404, code, message);

/** Errors raised by body-parser and friends carry a status and a type; keep their status, name the problem. */
function fromFrameworkError(err: { status?: number; type?: string; message?: string }): HttpError | null {
  if (typeof err.status !== 'number' || err.status < 400 || err.status >= 500) return null;
  switch (err.type) {
    case 'entity.parse.failed':
      return new HttpError(400, 'invalid_json', `request body is not valid JSON: ${err.message}`);
    case 'entity.too.large':
      return new HttpError(413, 'payload_too_large', 'request body is larger than the configured limit');
    case 'encoding.unsupported':
      return new HttpError(415, 'unsupported_encoding', err.message ?? 'unsupported content encoding');
    default:
      return new HttpError(err.status, 'bad_request', err.message ?? 'bad request');
  }
}

export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = err instanceof HttpError ? err : fromFrameworkError(err);
    if (!known || known.status >= 500) {
      (req as { log?: Logger }).log?.error({ err }, 'request failed') ?? log.error({ err }, 'request failed');
    }
    const e = known ?? new HttpError(500, 'internal', 'internal server error');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    for (const [k, v] of Object.entries(e.options.headers ?? {})) res.setHeader(k, v);
    const body: { code: string; message: string; details?: unknown } = { code: e.code, message: e.message };
    if (e.options.details !== undefined) body.details = e.options.details;
    res.status(e.status).json({ error: body });
  };
}

export const notFoundHandler: RequestHandler = (req) => {
  throw new HttpError(404, 'route_not_found', `no route for ${req.method} ${req.path}`);
};
