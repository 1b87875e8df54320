// The lean route of POST /v1/channels/:channel/messages: the common publish (a Bearer credential, a JSON
// body with a declared length) answered straight from node:http, without Express's router, body parser and
// middleware chain. Same checks, headers, errors and metrics as the Express route; anything unusual (no
// credential, another content type or encoding, a chunked or oversize body) is left to Express.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator } from '../auth/authenticator.js';
import { DomainError, internalError, invalidInput, rateLimited } from '../errors/domain-error.js';
import { asDomainError, toHttp } from '../http/errors.js';
import { REQUEST_ID, redactUrl } from '../http/middleware.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { ChannelContext } from './context.js';
import { publishFromBody } from './http-routes.js';
import { checkChannel } from './inputs.js';

const ROUTE = '/v1/channels/:channel/messages';
/** Percent-escapes and other rarities go through Express, which decodes them. */
const PATH = /^\/v1\/channels\/([\w.:@-]+)\/messages(?:\?.*)?$/;
const JSON_TYPE = /^application\/json\s*(?:;\s*charset=("?)utf-8\1\s*)?$/i;

/** Node-style middleware that sets headers and calls next synchronously (helmet, cors for a POST). */
export type HeaderMiddleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export interface LeanPublishDeps {
  ctx: Pick<ChannelContext, 'publisher' | 'rateLimiter' | 'limits' | 'metrics'>;
  auth: Pick<Authenticator, 'fromRequest'>;
  /** Applied in order before answering, as on every Express response. */
  headers: HeaderMiddleware[];
  bodyLimit: number;
  metrics: Pick<Metrics, 'httpDuration'>;
  log: Logger;
}

/** Returns a handler that answers the request and returns true, or returns false and touches nothing. */
export function leanPublish(d: LeanPublishDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'POST') return false;
    const m = PATH.exec(req.url ?? '');
    const h = req.headers;
    const length = Number(h['content-length']);
    if (
      !m ||
      !h.authorization ||
      !JSON_TYPE.test(h['content-type'] ?? '') ||
      h['content-encoding'] !== undefined ||
      h['transfer-encoding'] !== undefined ||
      !Number.isSafeInteger(length) ||
      length > d.bodyLimit
    ) {
      return false;
    }
    void handle(d, req, res, m[1] as string, length);
    return true;
  };
}

async function handle(
  d: LeanPublishDeps,
  req: IncomingMessage,
  res: ServerResponse,
  rawChannel: string,
  length: number,
): Promise<void> {
  const start = process.hrtime.bigint();
  const incoming = req.headers['x-request-id'];
  const reqId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', reqId);
  for (const mw of d.headers) mw(req, res, () => {});
  let status = 500;
  try {
    // In the Express route's order: the body is parsed before the caller is resolved and limited.
    const body = parseBody(await readBody(req, length));
    const principal = await d.auth.fromRequest(req as never);
    const decision = await d.ctx.rateLimiter.take(principal);
    res.setHeader('RateLimit-Limit', String(decision.limit));
    res.setHeader('RateLimit-Remaining', String(decision.remaining));
    if (!decision.allowed) {
      d.ctx.metrics.rateLimited.inc({ transport: 'http' });
      throw rateLimited(decision.limit, decision.retryAfterMs);
    }
    const channel = checkChannel(rawChannel);
    const p = await publishFromBody(d.ctx, principal, channel, body);
    if (p.replayed) res.setHeader('Idempotent-Replayed', 'true');
    status = 201;
    send(res, 201, JSON.stringify({ channel, offset: p.offset, id: p.id, ts: p.ts }));
  } catch (err) {
    const known = asDomainError(err);
    if (!known || (known.status >= 500 && known.code !== 'unavailable')) {
      d.log.error({ err, reqId }, 'request failed');
    }
    const answer = toHttp(known ?? internalError(err));
    status = answer.status;
    for (const [k, v] of Object.entries(answer.headers)) res.setHeader(k, v);
    if (!res.headersSent) send(res, answer.status, JSON.stringify(answer.body));
    else res.destroy();
  } finally {
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    d.metrics.httpDuration.observe({ method: 'POST', route: ROUTE, status: String(status) }, seconds);
    if (d.log.isLevelEnabled('info')) {
      const ms = Math.round(seconds * 1e4) / 10;
      d.log.info({ reqId, method: 'POST', url: redactUrl(req.url ?? ''), status, ms }, 'request');
    }
  }
}

function send(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** The declared length bounds the body: Node ends the stream there, so no limit check is needed past it. */
function readBody(req: IncomingMessage, length: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    req.on('data', (c: Buffer) => {
      chunks.push(c);
      got += c.length;
    });
    req.once('end', () => {
      if (got !== length) reject(invalidInput('bad_request', 'request body ended before its length'));
      else resolve(chunks.length === 1 ? (chunks[0] as Buffer).toString() : Buffer.concat(chunks).toString());
    });
    req.once('error', reject);
  });
}

/** As the JSON body parser of the Express route: empty is {}, else an object or array at the top. */
function parseBody(text: string): unknown {
  if (text.trim() === '') return {};
  const first = /^[\s]*(.)/.exec(text)?.[1];
  if (first !== '{' && first !== '[') {
    throw new DomainError('invalid_json', 'request body is not valid JSON: it must be an object or an array');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DomainError('invalid_json', `request body is not valid JSON: ${(err as Error).message}`);
  }
}
