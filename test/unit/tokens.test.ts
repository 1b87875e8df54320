// Client token issue and verification: round trip of the grant, expiry from the injected clock, and every
// way a token is refused (signature, issuer, algorithm, malformed claims, no expiry), each as a named 401.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeJwt, SignJWT } from 'jose';
import { TokenService } from '../../src/server/auth/tokens.js';
import { HttpError } from '../../src/server/http/errors.js';

const SECRET = 'unit-test-secret-of-at-least-32-chars';
const key = new TextEncoder().encode(SECRET);
const tokens = new TokenService(SECRET);

async function refusal(token: string, service = tokens): Promise<{ code: string; message: string }> {
  try {
    await service.verify(token);
  } catch (err) {
    assert.ok(err instanceof HttpError);
    assert.equal(err.status, 401);
    return { code: err.code, message: err.message };
  }
  assert.fail('the token was accepted');
}

/** A token signed with the right key whose payload the test chooses. */
function signed(payload: Record<string, unknown>, alg = 'HS256', issuer = 'paasport'): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg })
    .setIssuer(issuer)
    .setJti('j-1')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key);
}

describe('TokenService', () => {
  it('round-trips the grant, with the expiry counted from the given clock', async () => {
    const now = Date.now();
    const { token, expiresAt } = await tokens.issue(
      {
        subscribe: ['chat:*'],
        publish: ['chat:1'],
        ttl: 600,
        sub: 'user-7',
        files: ['read', 'read', 'upload'],
      },
      now,
    );
    const exp = Math.floor(now / 1000) + 600;
    assert.equal(expiresAt, new Date(exp * 1000).toISOString());
    const claims = await tokens.verify(token);
    assert.deepEqual(claims.subscribe, ['chat:*']);
    assert.deepEqual(claims.publish, ['chat:1']);
    assert.equal(claims.sub, 'user-7');
    assert.deepEqual(claims.files, ['read', 'upload'], 'file permissions deduplicated');
    assert.equal(claims.exp, exp);
    assert.match(claims.jti, /^[0-9a-f-]{36}$/);
    assert.equal(decodeJwt(token).iss, 'paasport');
  });

  it('gives every token its own id and leaves out absent optional claims', async () => {
    const grant = { subscribe: ['a'], publish: [], ttl: 60 };
    const [a, b] = await Promise.all([tokens.issue(grant), tokens.issue(grant)]);
    const [ca, cb] = await Promise.all([tokens.verify(a.token), tokens.verify(b.token)]);
    assert.notEqual(ca.jti, cb.jti);
    assert.equal('sub' in ca, false);
    assert.equal('files' in ca, false);
    assert.equal('files' in decodeJwt((await tokens.issue({ ...grant, files: [] })).token), false);
  });

  it('refuses an expired token as token_expired', async () => {
    const hourAgo = Date.now() - 3_600_000;
    const { token } = await tokens.issue({ subscribe: ['a'], publish: [], ttl: 60 }, hourAgo);
    assert.deepEqual(await refusal(token), { code: 'token_expired', message: 'token has expired' });
  });

  it('refuses another secret, a changed payload, another issuer or algorithm, and garbage', async () => {
    const { token } = await tokens.issue({ subscribe: ['a'], publish: [], ttl: 60 });
    assert.equal((await refusal(token, new TokenService(`${SECRET}-other`))).code, 'invalid_token');
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ subscribe: ['*'], publish: ['*'], iss: 'paasport', jti: 'x' }),
    );
    assert.equal(
      (await refusal(`${header}.${forged.toString('base64url')}.${signature}`)).code,
      'invalid_token',
    );
    assert.equal(
      (await refusal(await signed({ subscribe: [], publish: [] }, 'HS256', 'other'))).code,
      'invalid_token',
    );
    assert.equal(
      (await refusal(await signed({ subscribe: [], publish: [] }, 'HS512'))).code,
      'invalid_token',
    );
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${forged.toString('base64url')}.`;
    assert.equal((await refusal(unsigned)).code, 'invalid_token');
    assert.equal((await refusal('not-a-token')).code, 'invalid_token');
  });

  it('refuses correctly signed tokens whose claims are malformed', async () => {
    for (const payload of [
      { publish: [] },
      { subscribe: 'chat:*', publish: [] },
      { subscribe: ['bad pattern'], publish: [] },
      { subscribe: [], publish: ['**'] },
      { subscribe: [], publish: [], files: ['delete'] },
      { subscribe: [], publish: [], files: 'read' },
    ]) {
      assert.deepEqual(
        await refusal(await signed(payload)),
        { code: 'invalid_token', message: 'token claims are malformed' },
        JSON.stringify(payload),
      );
    }
  });

  it('refuses a token without an id', async () => {
    const noJti = await new SignJWT({ subscribe: [], publish: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('paasport')
      .setExpirationTime('1h')
      .sign(key);
    assert.equal((await refusal(noJti)).message, 'token claims are malformed');
  });

  it('refuses a token without an expiry: open connections are closed at exp', async () => {
    const noExp = await new SignJWT({ subscribe: [], publish: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('paasport')
      .setJti('j-2')
      .sign(key);
    assert.deepEqual(await refusal(noExp), { code: 'invalid_token', message: 'token claims are malformed' });
  });
});
