// The one error type and its two mappings: DomainError to an HTTP response (status, Retry-After, body) and
// to a WebSocket error frame; zod and body-parser errors; and Express 5 forwarding async throws to the one
// error middleware (a real app on 127.0.0.1).
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { z } from 'zod';
import {
  DomainError,
  fromZodError,
  internalError,
  invalidInput,
  parseWith,
  rateLimited,
  unavailable,
} from '../../src/server/errors/domain-error.js';
import { asDomainError, errorMiddleware, HttpError, toHttp } from '../../src/server/http/errors.js';
import { silentLogger } from '../../src/server/logger.js';
import { toWsFrame } from '../../src/server/ws/error-frame.js';

describe('toHttp', () => {
  it('maps code, message and field to the body and the status to the response', () => {
    const res = toHttp(invalidInput('invalid_id', 'id must be a string', 'id'));
    assert.deepEqual(res, {
      status: 400,
      headers: {},
      body: { error: { code: 'invalid_id', message: 'id must be a string', field: 'id' } },
    });
  });

  it('turns retryAfterMs into Retry-After in whole seconds, at least 1', () => {
    assert.equal(toHttp(rateLimited(10, 1)).headers['Retry-After'], '1');
    assert.equal(toHttp(rateLimited(10, 2500)).headers['Retry-After'], '3');
    const down = toHttp(unavailable('the database', 4000));
    assert.equal(down.status, 503);
    assert.equal(down.body.error.code, 'unavailable');
    assert.equal(down.headers['Retry-After'], '4');
  });

  it('keeps the extra headers and details of HTTP-only errors', () => {
    const err = new HttpError(416, 'range_not_satisfiable', 'outside', {
      headers: { 'Content-Range': 'bytes */10' },
      details: ['x'],
    });
    assert.ok(err instanceof DomainError);
    const res = toHttp(err);
    assert.equal(res.status, 416);
    assert.deepEqual(res.headers, { 'Content-Range': 'bytes */10' });
    assert.deepEqual(res.body.error.details, ['x']);
  });

  it('never shows the cause of an internal error', () => {
    const res = toHttp(internalError(new Error('password=hunter2')));
    assert.deepEqual(res, {
      status: 500,
      headers: {},
      body: { error: { code: 'internal', message: 'internal server error' } },
    });
  });
});

describe('toWsFrame', () => {
  it('keeps the documented frame shape and adds field, retryAfterMs and the correlation', () => {
    const frame = JSON.parse(toWsFrame(rateLimited(5, 750, 'frames')));
    assert.deepEqual(frame, {
      type: 'error',
      code: 'rate_limited',
      message: 'rate limit of 5 frames per window exceeded',
      retryAfterMs: 750,
    });
    const refused = JSON.parse(
      toWsFrame(invalidInput('invalid_data', 'bad', 'data.a'), { channel: 'room-1', id: 'm-1' }),
    );
    assert.deepEqual(refused, {
      type: 'error',
      code: 'invalid_data',
      message: 'bad',
      field: 'data.a',
      channel: 'room-1',
      id: 'm-1',
    });
    assert.equal(JSON.parse(toWsFrame(unavailable('Redis', 2000))).retryAfterMs, 2000);
  });

  it('serialises correlation strings that are not well-formed without throwing', () => {
    const frame = toWsFrame(invalidInput('invalid_id', 'bad id', 'id'), { id: '\ud800' });
    assert.equal(JSON.parse(frame).id, '\ud800');
  });
});

describe('asDomainError and zod', () => {
  const schema = z.object({ ttl: z.number().int(), sub: z.string() }).strict();

  it('maps zod issues to one 400 invalid_body listing every problem', () => {
    const parsed = schema.safeParse({ ttl: 1.5, extra: true });
    assert.equal(parsed.success, false);
    const err = fromZodError((parsed as { error: z.ZodError }).error);
    assert.equal(err.status, 400);
    assert.equal(err.code, 'invalid_body');
    assert.equal(err.field, 'ttl');
    assert.equal((err.details as string[]).length, 3);
    assert.throws(
      () => parseWith(schema, { ttl: 'x', sub: 's' }),
      (e) => e instanceof DomainError,
    );
    assert.deepEqual(parseWith(schema, { ttl: 3, sub: 's' }), { ttl: 3, sub: 's' });
  });

  it('recognises body-parser errors and leaves unexpected ones to `internal`', () => {
    const tooLarge = asDomainError(
      Object.assign(new Error('big'), { status: 413, type: 'entity.too.large' }),
    );
    assert.deepEqual([tooLarge?.status, tooLarge?.code], [413, 'payload_too_large']);
    const badJson = asDomainError(
      Object.assign(new Error('x'), { status: 400, type: 'entity.parse.failed' }),
    );
    assert.equal(badJson?.code, 'invalid_json');
    assert.equal(asDomainError(new RangeError('Maximum call stack size exceeded')), undefined);
    assert.equal(asDomainError(Object.assign(new Error('db'), { status: 500 })), undefined);
    assert.equal(asDomainError(null), undefined);
  });
});

describe('the Express error path', () => {
  let base = '';
  let close: () => Promise<void>;

  before(async () => {
    const app = express();
    app.use(express.json());
    app.get('/domain', async () => {
      await new Promise((r) => setImmediate(r));
      throw rateLimited(3, 1200);
    });
    app.get('/bug', async () => {
      await new Promise((r) => setImmediate(r));
      throw new TypeError('undefined is not a function');
    });
    app.get('/sync', () => {
      throw invalidInput('invalid_query', 'limit must be a number', 'limit');
    });
    app.get('/rejected', () => Promise.reject(new Error('lost connection')));
    app.post('/zod', (req, res) => {
      res.json(parseWith(z.object({ n: z.number() }), req.body));
    });
    app.use(errorMiddleware(silentLogger()));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((r) => server.close(() => r()));
  });

  after(() => close());

  it('forwards async throws of domain errors with their status, body and Retry-After', async () => {
    const res = await fetch(`${base}/domain`);
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '2');
    assert.deepEqual(await res.json(), {
      error: { code: 'rate_limited', message: 'rate limit of 3 requests per window exceeded' },
    });
  });

  it('answers unexpected async throws and rejections with 500 internal, and keeps serving', async () => {
    for (const path of ['/bug', '/rejected']) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 500, path);
      assert.deepEqual(await res.json(), { error: { code: 'internal', message: 'internal server error' } });
    }
    const sync = await fetch(`${base}/sync`);
    assert.equal(sync.status, 400);
    assert.equal(((await sync.json()) as { error: { field: string } }).error.field, 'limit');
  });

  it('maps a malformed JSON body and a zod refusal to 400', async () => {
    const post = (body: string) =>
      fetch(`${base}/zod`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const malformed = await post('{"n":');
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { error: { code: string } }).error.code, 'invalid_json');
    const refused = await post('{"n":"one"}');
    assert.equal(refused.status, 400);
    const body = (await refused.json()) as { error: { code: string; field: string } };
    assert.deepEqual([body.error.code, body.error.field], ['invalid_body', 'n']);
    assert.deepEqual(await (await post('{"n":1}')).json(), { n: 1 });
  });
});
