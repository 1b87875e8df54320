// Client address of WebSocket upgrades under Express's own compiled `trust proxy` functions, so the answer
// matches `req.ip` on HTTP routes: forwarded addresses count only through trusted hops.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import express from 'express';
import { type TrustFn, upgradeClientIp } from '../../src/server/channels/client-ip.js';

/** The trust function Express compiles from a `trust proxy` setting (as app.ts passes it). */
function trust(setting: boolean | number | string): TrustFn {
  const app = express();
  app.set('trust proxy', setting);
  return app.get('trust proxy fn') as TrustFn;
}

function upgrade(remoteAddress: string | undefined, forwarded?: string | string[]): IncomingMessage {
  return {
    headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
    socket: { remoteAddress },
  } as unknown as IncomingMessage;
}

const PRIVATE = 'loopback,linklocal,uniquelocal';

describe('upgradeClientIp', () => {
  it('uses the peer address when no proxy is trusted, whatever the header says', () => {
    const ip = upgradeClientIp(trust(false));
    assert.equal(ip(upgrade('127.0.0.1', '203.0.113.5')), '127.0.0.1');
    assert.equal(ip(upgrade('198.51.100.7')), '198.51.100.7');
  });

  it('takes the forwarded client through a trusted proxy', () => {
    const ip = upgradeClientIp(trust(PRIVATE));
    assert.equal(ip(upgrade('10.0.1.4', '203.0.113.5')), '203.0.113.5');
    assert.equal(ip(upgrade('::1', '203.0.113.5')), '203.0.113.5');
  });

  it('stops at the first hop it does not trust, so a client cannot spoof its address', () => {
    const ip = upgradeClientIp(trust(PRIVATE));
    // The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the address it saw.
    assert.equal(ip(upgrade('10.0.1.4', '1.2.3.4, 203.0.113.5')), '203.0.113.5');
    // Straight from the internet, the header is not believed at all.
    assert.equal(ip(upgrade('203.0.113.9', '1.2.3.4')), '203.0.113.9');
    // A chain through two private proxies reaches the public client.
    assert.equal(ip(upgrade('127.0.0.1', '198.51.100.1, 10.0.0.2')), '198.51.100.1');
    assert.equal(
      upgradeClientIp(trust('loopback'))(upgrade('127.0.0.1', '198.51.100.1, 10.0.0.2')),
      '10.0.0.2',
    );
  });

  it('counts hops when trust proxy is a number', () => {
    const ip = upgradeClientIp(trust(1));
    assert.equal(ip(upgrade('10.0.0.9', '198.51.100.1, 203.0.113.5')), '203.0.113.5');
    assert.equal(upgradeClientIp(trust(2))(upgrade('10.0.0.9', '198.51.100.1, 203.0.113.5')), '198.51.100.1');
  });

  it('takes the furthest address when every hop is trusted', () => {
    assert.equal(
      upgradeClientIp(trust(true))(upgrade('10.0.0.9', '198.51.100.1, 203.0.113.5')),
      '198.51.100.1',
    );
  });

  it('joins repeated headers and skips empty entries', () => {
    const ip = upgradeClientIp(trust(PRIVATE));
    assert.equal(ip(upgrade('10.0.1.4', ['198.51.100.1', '10.0.0.2'])), '198.51.100.1');
    assert.equal(ip(upgrade('10.0.1.4', ' , 203.0.113.5 ,, ')), '203.0.113.5');
  });

  it('names an unknown peer when the socket has no address', () => {
    assert.equal(upgradeClientIp(trust(false))(upgrade(undefined, '203.0.113.5')), 'unknown');
  });
});
