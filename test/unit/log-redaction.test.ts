// No credential reaches a log line: the server's logger rewrites every `url` field (query tokens, API keys,
// signatures, URL passwords) and blanks authorization headers and secret fields, whoever logs them; the access
// log of a real Express app on 127.0.0.1 does the same for keys and tokens in query strings.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { accessLog, requestContext } from '../../src/server/http/middleware.js';
import { createLogger } from '../../src/server/logger.js';
import { createMetrics } from '../../src/server/metrics.js';
import { redactUrl } from '../../src/server/util/redact.js';

function serverLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { log: createLogger('info', 'test', sink), text: () => lines.join('\n'), lines };
}

describe('redactUrl', () => {
  it('redacts API keys, tokens and signatures under any common name', () => {
    assert.equal(
      redactUrl('/v1/ws?token=eyJ.a.b&api_key=k1&apiKey=k2&key=k3&x-api-key=k4&since=3'),
      '/v1/ws?token=[redacted]&api_key=[redacted]&apiKey=[redacted]&key=[redacted]&x-api-key=[redacted]&since=3',
    );
    assert.equal(
      redactUrl('/apps/1/events?auth_key=k&auth_timestamp=1&auth_signature=s&body_md5=m'),
      '/apps/1/events?auth_key=[redacted]&auth_timestamp=1&auth_signature=[redacted]&body_md5=m',
    );
    assert.equal(
      redactUrl('/x?sig=a&password=b&client_secret=c#frag'),
      '/x?sig=[redacted]&password=[redacted]&client_secret=[redacted]#frag',
    );
  });

  it('drops the password of URLs with a login and keeps the rest', () => {
    assert.equal(redactUrl('redis://:hunter2@redis:6379/0'), 'redis://:[redacted]@redis:6379/0');
    assert.equal(
      redactUrl('postgres://app:pw@db/app?sslmode=require'),
      'postgres://app:[redacted]@db/app?sslmode=require',
    );
    assert.equal(redactUrl('https://hooks.example.com/x?limit=2'), 'https://hooks.example.com/x?limit=2');
  });
});

describe('server logger', () => {
  it('redacts url fields and credentials whoever logs them', () => {
    const { log, text, lines } = serverLogger();
    log.warn({ url: 'https://hook.example.com/in?token=t0ken1', attempts: 1 }, 'webhook not delivered');
    log.info({ req: { url: '/v1/files/a?signature=s1gn', headers: { authorization: 'Bearer k3y' } } }, 'x');
    log.info(
      { headers: { authorization: 'Bearer k3y2', 'x-api-key': 'k3y3' }, token: 'tok', apiKey: 'k3y4' },
      'y',
    );
    log.info({ redis: { url: 'redis://:pa55@r:6379' } }, 'z');
    for (const secret of ['t0ken1', 's1gn', 'k3y', 'k3y2', 'k3y3', 'tok"', 'k3y4', 'pa55']) {
      assert.ok(!text().includes(secret), `${secret} appears in ${text()}`);
    }
    const first = JSON.parse(lines[0] ?? '{}') as { url?: string; attempts?: number };
    assert.equal(first.url, 'https://hook.example.com/in?token=[redacted]');
    assert.equal(first.attempts, 1);
  });
});

describe('access log', () => {
  const captured = serverLogger();
  let base: string;
  let close: () => Promise<void>;

  before(async () => {
    const app = express();
    app.use(requestContext(captured.log));
    app.use(accessLog(createMetrics()));
    app.get('/v1/channels/:c/messages', (_req, res) => {
      res.json({ messages: [] });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((r) => server.close(() => r()));
  });
  after(() => close());

  it('never writes a token or API key sent in the query string', async () => {
    const res = await fetch(`${base}/v1/channels/a/messages?since=0&access_token=acc3ss&api_key=ap1k3y`, {
      headers: { Authorization: 'Bearer b3arer' },
    });
    assert.equal(res.status, 200);
    await res.text();
    const line = captured.lines
      .map((l) => JSON.parse(l) as { msg: string; url?: string })
      .find((l) => l.msg === 'request');
    assert.equal(line?.url, '/v1/channels/a/messages?since=0&access_token=[redacted]&api_key=[redacted]');
    for (const secret of ['acc3ss', 'ap1k3y', 'b3arer']) assert.ok(!captured.text().includes(secret));
  });
});
