// HTTP API of the channels: publish (201 after commit, idempotent by id; batches in batch-route.ts),
// history, channel info, window count and presence. Every route resolves the caller, applies its rate
// limit, then checks its grant.
// Handlers only throw: errors reach the one error middleware (http/errors.ts).

import type { ServerResponse } from 'node:http';
import { type Request, type RequestHandler, Router } from 'express';
import type { Authenticator } from '../auth/authenticator.js';
import { requirePublish, requireSubscribe, resolvePrincipal } from '../auth/http.js';
import type { Principal } from '../auth/principal.js';
import { DomainError, invalidInput, rateLimited } from '../errors/domain-error.js';
import { publishBatch } from './batch-route.js';
import type { ChannelContext } from './context.js';
import { messageJson } from './frames.js';
import { checkChannel, checkKnownFields, preview, validatePublish } from './inputs.js';
import { type Published, requestSource } from './publisher.js';

const HISTORY_LIMIT_DEFAULT = 100;
const HISTORY_LIMIT_MAX = 1000;

function channelOf(req: Request): string {
  return checkChannel(req.params.channel);
}

function intParam(req: Request, name: string, fallback: number, min: number, max: number): number {
  const raw = req.query[name];
  if (raw === undefined) return fallback;
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw invalidInput('invalid_query', `${name} must be a whole number from ${min} to ${max}`, name);
  }
  return n;
}

/** Milliseconds since the epoch or an ISO 8601 date. */
function timeParam(req: Request, name: string, fallback: Date): Date {
  const raw = req.query[name];
  if (raw === undefined) return fallback;
  const ms = typeof raw !== 'string' ? Number.NaN : /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(ms)) {
    throw invalidInput(
      'invalid_query',
      `${name} must be milliseconds since the epoch or an ISO 8601 date`,
      name,
    );
  }
  return new Date(ms);
}

/** A body sent as a form or text (curl -d without -H) is never parsed: say which header is missing. */
function requireJsonBody(req: Request): void {
  if (req.is('application/json') !== false) return;
  const sent = (req.get('content-type') ?? '').split(';')[0]?.trim();
  throw new DomainError(
    'unsupported_media_type',
    `send the body as JSON with the header Content-Type: application/json (got ${sent ? preview(sent, 64) : 'no Content-Type'})`,
    { status: 415, field: 'Content-Type' },
  );
}

/** One publish from a parsed body, once the caller's grant on the channel is checked; resolves once committed. */
export async function publishFromBody(
  ctx: Pick<ChannelContext, 'publisher' | 'limits'>,
  channel: string,
  body: unknown,
): Promise<Published> {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('data' in body)) {
    throw invalidInput('invalid_body', 'body must be a JSON object {"data": <any JSON>, "id"?: string}');
  }
  const fields = body as Record<string, unknown>;
  checkKnownFields(fields, ['data', 'id'], 'invalid_body', 'the body');
  const input = validatePublish({ channel, data: fields.data, id: fields.id }, ctx.limits.maxDataSize);
  // Each request is a source of its own: a client orders its requests by waiting for the answers.
  return ctx.publisher.publish(input, requestSource());
}

/** Counts one request of the caller: sets the RateLimit headers, throws rate_limited past the limit. */
export async function takeRateLimit(
  ctx: Pick<ChannelContext, 'rateLimiter' | 'metrics'>,
  principal: Principal,
  res: ServerResponse,
): Promise<void> {
  const d = await ctx.rateLimiter.take(principal);
  res.setHeader('RateLimit-Limit', String(d.limit));
  res.setHeader('RateLimit-Remaining', String(d.remaining));
  if (!d.allowed) {
    ctx.metrics.rateLimited.inc({ transport: 'http' });
    throw rateLimited(d.limit, d.retryAfterMs);
  }
}

/** The shared per-principal limit as Express middleware; also guards token minting and files. */
export function rateLimit(ctx: Pick<ChannelContext, 'rateLimiter' | 'metrics'>): RequestHandler {
  return async (req, res, next) => {
    await takeRateLimit(ctx, req.principal, res);
    next();
  };
}

export function channelRouter(ctx: ChannelContext, auth: Authenticator): Router {
  const router = Router();
  router.use('/v1/channels', resolvePrincipal(auth), rateLimit(ctx));
  router.post('/v1/publish-batch', resolvePrincipal(auth), rateLimit(ctx), publishBatch(ctx));

  // The common case is answered before Express by the lean route (lean-publish.ts); this one takes the rest.
  router.post('/v1/channels/:channel/messages', async (req, res) => {
    const channel = channelOf(req);
    requirePublish(req, channel);
    requireJsonBody(req);
    const p = await publishFromBody(ctx, channel, req.body);
    if (p.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(201).json({ channel, offset: p.offset, id: p.id, ts: p.ts });
  });

  router.get('/v1/channels/:channel/messages', async (req, res) => {
    const channel = channelOf(req);
    requireSubscribe(req, channel);
    const since = intParam(req, 'since', 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = intParam(req, 'limit', HISTORY_LIMIT_DEFAULT, 1, HISTORY_LIMIT_MAX);
    const rows = await ctx.store.range(channel, since, limit);
    const next = rows.length > 0 ? (rows[rows.length - 1]?.offset ?? since) : since;
    res
      .type('application/json')
      .send(`{"messages":[${rows.map((m) => messageJson(channel, m)).join(',')}],"next":${next}}`);
  });

  router.get('/v1/channels/:channel', async (req, res) => {
    const channel = channelOf(req);
    requireSubscribe(req, channel);
    const [info, presence] = await Promise.all([ctx.store.info(channel), ctx.presence.store.count(channel)]);
    res.json({ channel, count: info.count, lastOffset: info.lastOffset, presence });
  });

  router.get('/v1/channels/:channel/count', async (req, res) => {
    const channel = channelOf(req);
    requireSubscribe(req, channel);
    const from = timeParam(req, 'from', new Date(0));
    const to = timeParam(req, 'to', new Date(8.64e15));
    const count = to > from ? await ctx.store.countBetween(channel, from, to) : 0;
    res.json({ channel, from: from.getTime(), to: to.getTime(), count });
  });

  router.get('/v1/channels/:channel/presence', async (req, res) => {
    const channel = channelOf(req);
    requireSubscribe(req, channel);
    const members = await ctx.presence.store.members(channel);
    res.json({ channel, count: members.length, members });
  });

  return router;
}
