// The access log never holds a usable signed URL or token: signature, credential and token values in query
// strings are replaced, everything else is kept (a real Express app with the real middleware on 127.0.0.1).
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { accessLog, redactUrl, requestContext } from '../../src/server/http/middleware.js';
import { createMetrics } from '../../src/server/metrics.js';
import { captureLog } from '../helpers/log-capture.js';

describe('redactUrl', () => {
  it('replaces S3 presigned and local signatures, credentials and tokens, case-insensitively', () => {
    assert.equal(
      redactUrl(
        '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20260101&X-Amz-Signature=abc123&X-Amz-Expires=900',
      ),
      '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=[redacted]&X-Amz-Signature=[redacted]&X-Amz-Expires=900',
    );
    assert.equal(
      redactUrl('/v1/files/f1/content?expires=1700000000&signature=s1g'),
      '/v1/files/f1/content?expires=1700000000&signature=[redacted]',
    );
    assert.equal(
      redactUrl('/x?x-amz-security-token=t&TOKEN=abc&access_token=z'),
      '/x?x-amz-security-token=[redacted]&TOKEN=[redacted]&access_token=[redacted]',
    );
    assert.equal(redactUrl('/x?%73ignature=abc'), '/x?%73ignature=[redacted]', 'encoded names too');
  });

  it('keeps URLs without secrets as they are', () => {
    for (const url of [
      '/v1/channels/a/messages',
      '/v1/channels/a/messages?since=3&limit=10',
      '/x?',
      '/x?a&b=',
    ]) {
      assert.equal(redactUrl(url), url);
    }
  });
});

describe('access log', () => {
  const log = captureLog();
  let base: string;
  let close: () => Promise<void>;

  before(async () => {
    const app = express();
    app.use(requestContext(log.log));
    app.use(accessLog(createMetrics()));
    app.get('/v1/files/:id/content', (_req, res) => {
      res.send('ok');
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((r) => server.close(() => r()));
  });
  after(() => close());

  it('logs the request with its signature redacted', async () => {
    const res = await fetch(`${base}/v1/files/f1/content?expires=1700000000&signature=s3cr3t`);
    assert.equal(res.status, 200);
    await res.text();
    const lines = log.lines().filter((l) => l.msg === 'request');
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.url, '/v1/files/f1/content?expires=1700000000&signature=[redacted]');
    assert.ok(!JSON.stringify(log.lines()).includes('s3cr3t'), 'the signature appears nowhere in the log');
  });
});
