// Telling a dependency outage from other failures, in the one place that does it (drivers/outage.ts):
// real errors of pg, node-redis, minio and Node's sockets, and the `unavailable` 503 an outage becomes.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { S3Error } from 'minio';
import pg from 'pg';
import { ClientClosedError, ClientOfflineError, createClient, SimpleError } from 'redis';
import { asOutage, DependencyDownError, isOutage, outageReason } from '../../src/server/drivers/outage.js';
import { DomainError, invalidInput, unavailable } from '../../src/server/errors/domain-error.js';
import { toHttp } from '../../src/server/http/errors.js';
import { DeadlineExceededError, withTimeout } from '../../src/server/util/timeout.js';

function pgError(code: string, message: string): pg.DatabaseError {
  const err = new pg.DatabaseError(message, message.length, 'error');
  err.code = code;
  return err;
}

function s3Error(code: string): S3Error {
  const err = new S3Error(`${code} from the store`);
  err.code = code;
  return err;
}

/** A port that accepts connections and never answers, as a paused server does. */
async function silentPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const held: import('node:net').Socket[] = [];
  const server = createServer((s) => held.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const s of held) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

describe('outage classification', () => {
  it('recognises a refused PostgreSQL connection (real pg error)', async () => {
    const silent = await silentPort();
    await silent.close();
    const client = new pg.Client({ connectionString: `postgres://x@127.0.0.1:${silent.port}/x` });
    const err = await client.connect().then(
      () => assert.fail('connected to a closed port'),
      (e: unknown) => e,
    );
    assert.match(outageReason(err) ?? '', /^ECONNREFUSED/);
  });

  it('recognises pg-pool giving up on a server that never answers (real pool timeout)', async () => {
    const silent = await silentPort();
    const pool = new pg.Pool({
      connectionString: `postgres://x@127.0.0.1:${silent.port}/x`,
      connectionTimeoutMillis: 100,
    });
    try {
      const err = await pool.query('SELECT 1').then(
        () => assert.fail('a silent server answered'),
        (e: unknown) => e,
      );
      assert.ok(isOutage(err), `not an outage: ${(err as Error).message}`);
    } finally {
      await pool.end();
      await silent.close();
    }
  });

  it('recognises shutdown, connection and statement-timeout SQLSTATEs, not data or constraint errors', () => {
    for (const code of ['57P01', '57P02', '57P03', '08006', '08001', '53300', '57014'])
      assert.ok(isOutage(pgError(code, 'server going away')), code);
    for (const code of ['23505', '22P02', '42P01', '40001', '54001'])
      assert.equal(outageReason(pgError(code, 'about the data')), undefined, code);
  });

  it('recognises node-redis offline and closed clients (real client errors), not command errors', async () => {
    const client = createClient({ url: 'redis://127.0.0.1:1', disableOfflineQueue: true });
    const closed = await client.ping().then(
      () => assert.fail('a closed client answered'),
      (e: unknown) => e,
    );
    assert.ok(closed instanceof ClientClosedError);
    assert.ok(isOutage(closed));
    assert.ok(isOutage(new ClientOfflineError()));
    assert.ok(isOutage(new SimpleError('LOADING Redis is loading the dataset in memory')));
    assert.equal(outageReason(new SimpleError('WRONGTYPE Operation against a key')), undefined);
  });

  it('recognises an overloaded or failing S3 store, not a missing object or a denied request', () => {
    for (const code of ['SlowDown', 'ServiceUnavailable', 'InternalError', 'RequestTimeout'])
      assert.ok(isOutage(s3Error(code)), code);
    for (const code of ['NoSuchKey', 'AccessDenied', 'SignatureDoesNotMatch'])
      assert.equal(outageReason(s3Error(code)), undefined, code);
  });

  it('recognises a missed deadline, a known-down driver and local disk failures', async () => {
    const late = await withTimeout(new Promise(() => {}), 5, 'redis publish').catch((e: unknown) => e);
    assert.ok(late instanceof DeadlineExceededError);
    assert.equal(outageReason(late), 'redis publish timed out after 5ms');
    assert.ok(isOutage(new DependencyDownError('redis connection stalled')));
    for (const code of ['ENOSPC', 'EROFS', 'EIO'])
      assert.ok(isOutage(Object.assign(new Error('disk'), { code })), code);
    assert.equal(outageReason(Object.assign(new Error('gone'), { code: 'ENOENT' })), undefined);
  });

  it('looks through causes and aggregate connect errors, and nowhere else', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    assert.ok(isOutage(new Error('wrapped', { cause: refused })));
    assert.ok(isOutage(new AggregateError([refused, refused], 'every address refused')));
    assert.equal(outageReason(new TypeError('x is not a function')), undefined);
    assert.equal(outageReason('a string'), undefined);
    assert.equal(outageReason(null), undefined);
    assert.equal(outageReason(invalidInput('invalid_id', 'bad id')), undefined);
  });
});

describe('asOutage', () => {
  it('turns an outage into the unavailable 503 with Retry-After, keeping the cause', () => {
    const cause = pgError('57P01', 'terminating connection due to administrator command');
    const mapped = asOutage('postgres', cause);
    assert.ok(mapped instanceof DomainError);
    assert.equal(mapped.code, 'unavailable');
    assert.equal(mapped.cause, cause);
    const http = toHttp(mapped);
    assert.equal(http.status, 503);
    assert.equal(http.headers['Retry-After'], '1');
    assert.equal(http.body.error.message, 'postgres is unavailable; retry shortly');
  });

  it('leaves other errors and DomainErrors as they are', () => {
    const bug = new TypeError('boom');
    assert.equal(asOutage('redis', bug), bug);
    const known = unavailable('storage');
    assert.equal(asOutage('postgres', known), known);
    const refusal = invalidInput('invalid_data', 'no');
    assert.equal(asOutage('postgres', refusal), refusal);
  });
});
