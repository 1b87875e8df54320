// The lean route of POST /v1/channels/:channel/messages: the common publish (a Bearer credential, a JSON
// body with a declared length) answered straight from node:http, without Express's router, body parser and
// middleware chain. Same checks, headers, errors and metrics as the Express route; anything unusual (no
// credential, another content type or encoding, a chunked or oversize body) is left to Express.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Authenticator, checkCanPublish } from '../auth/authenticator.js';
import { DomainError, invalidInput } from '../errors/domain-error.js';
import { answerError } from '../http/errors.js';
import { recordRequest, requestIdOf } from '../http/middleware.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { ChannelContext } from './context.js';
import { publishFromBody, takeRateLimit } from './http-routes.js';
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
  const reqId = requestIdOf(req.headers['x-request-id']);
  res.setHeader('X-Request-Id', reqId);
  for (const mw of d.headers) mw(req, res, () => {});
  let status = 500;
  try {
    // In the Express route's order: body, caller, rate limit, channel, grant, then the fields.
    const body = parseBody(await readBody(req, length));
    const principal = await d.auth.fromRequest(req as never);
    await takeRateLimit(d.ctx, principal, res);
    const channel = checkChannel(rawChannel);
    checkCanPublish(principal, channel);
    const p = await publishFromBody(d.ctx, channel, body);
    if (p.replayed) res.setHeader('Idempotent-Replayed', 'true');
    status = 201;
    send(res, 201, JSON.stringify({ channel, offset: p.offset, id: p.id, ts: p.ts }));
  } catch (err) {
    const answer = answerError(err, d.log.child({ reqId }));
    status = answer.status;
    for (const [k, v] of Object.entries(answer.headers)) res.setHeader(k, v);
    if (!res.headersSent) send(res, answer.status, JSON.stringify(answer.body));
    else res.destroy();
  } finally {
    const log = d.log.isLevelEnabled('info') ? d.log.child({ reqId }) : d.log;
    recordRequest(d.metrics, log, { method: 'POST', route: ROUTE, url: req.url ?? '', status, start });
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
