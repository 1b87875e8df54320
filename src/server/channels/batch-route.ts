// POST /v1/publish-batch: many messages, of any channels the caller may publish to, in one request. Each
// item is checked, authorised and committed on its own (they share the publisher's group commits), and the
// answer lists one result per item in request order: one bad item never fails the others.
import type { RequestHandler } from 'express';
import { checkCanPublish } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import { DomainError, invalidInput } from '../errors/domain-error.js';
import { asDomainError, toHttp } from '../http/errors.js';
import type { ChannelContext } from './context.js';
import { validatePublish } from './inputs.js';
import { requestSource } from './publisher.js';

/** Items per request; a batch counts as one request against the rate limit. */
export const MAX_BATCH_MESSAGES = 1000;

export type BatchItemResult =
  | { channel: string; offset: number; id: string; ts: number; replayed?: true }
  | {
      status: number;
      error: { code: string; message: string; field?: string };
      channel?: string;
      id?: string;
    };

const ITEM_FIELDS = new Set(['channel', 'data', 'id']);

/** The items of the body, or a whole-request 400 when the body is not a batch at all. */
function itemsOf(body: unknown): unknown[] {
  const b = body as { messages?: unknown } | undefined;
  if (typeof b !== 'object' || b === null || Array.isArray(b) || !Array.isArray(b.messages)) {
    throw invalidInput(
      'invalid_body',
      'body must be a JSON object {"messages": [{"channel", "data", "id"?}]}',
    );
  }
  const unknown = Object.keys(b).filter((k) => k !== 'messages');
  if (unknown.length > 0)
    throw invalidInput('invalid_body', `unknown field(s): ${unknown.slice(0, 5).join(', ')}`);
  if (b.messages.length === 0 || b.messages.length > MAX_BATCH_MESSAGES) {
    throw invalidInput('invalid_body', `messages must hold 1 to ${MAX_BATCH_MESSAGES} items`, 'messages');
  }
  return b.messages;
}

async function publishItem(
  ctx: ChannelContext,
  principal: Principal,
  raw: unknown,
  k: number,
  source: string,
) {
  const field = `messages[${k}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !('data' in raw)) {
    throw invalidInput('invalid_body', `${field} must be an object {"channel", "data", "id"?}`, field);
  }
  const item = raw as Record<string, unknown>;
  const unknown = Object.keys(item).filter((key) => !ITEM_FIELDS.has(key));
  if (unknown.length > 0) {
    throw invalidInput('invalid_body', `unknown field(s) in ${field}; expected channel, data and id`, field);
  }
  const input = validatePublish(
    { channel: item.channel, data: item.data, id: item.id },
    ctx.limits.maxDataSize,
  );
  checkCanPublish(principal, input.channel);
  return ctx.publisher.publish(input, source);
}

function failure(err: unknown, raw: unknown): BatchItemResult {
  const known =
    asDomainError(err) ??
    new DomainError('publish_failed', 'the message was not stored; retry with the same id', { status: 503 });
  const { status, body } = toHttp(known);
  const result: BatchItemResult = { status, error: body.error };
  const item = raw as { channel?: unknown; id?: unknown } | null;
  if (typeof item?.channel === 'string' && item.channel.length <= 256) result.channel = item.channel;
  if (typeof item?.id === 'string' && item.id.length <= 256) result.id = item.id;
  return result;
}

export function publishBatch(ctx: ChannelContext): RequestHandler {
  return async (req, res) => {
    const items = itemsOf(req.body);
    // One source for the request: its items to one channel take offsets in their order.
    const source = requestSource();
    const settled = await Promise.allSettled(
      items.map((raw, k) => publishItem(ctx, req.principal, raw, k, source)),
    );
    const unexpected = settled.find((s) => s.status === 'rejected' && !asDomainError(s.reason));
    if (unexpected)
      ctx.log.error({ err: (unexpected as PromiseRejectedResult).reason }, 'batch publish failed');
    const results = settled.map((s, k): BatchItemResult => {
      if (s.status === 'rejected') return failure(s.reason, items[k]);
      const { channel, offset, id, ts, replayed } = s.value;
      return replayed ? { channel, offset, id, ts, replayed: true } : { channel, offset, id, ts };
    });
    res.status(200).json({ results });
  };
}
