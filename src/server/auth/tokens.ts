// Client tokens: short-lived HS256 JWTs signed with JWT_SECRET, carrying the channel patterns they grant.
// Every replica shares the secret, so a token minted on one is accepted by all.
import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { HttpError } from '../http/errors.js';
import { isValidPattern } from './channel-names.js';

export const MAX_TOKEN_TTL_S = 7 * 24 * 3600;
const ISSUER = 'paasport';

/** `upload`: may upload files; `read`: may read any file by id (owners always read their own). */
export const FILE_PERMISSIONS = ['upload', 'read'] as const;
export type FilePermission = (typeof FILE_PERMISSIONS)[number];

export interface TokenGrant {
  subscribe: string[];
  publish: string[];
  ttl: number;
  sub?: string;
  files?: FilePermission[];
}

export interface TokenClaims {
  jti: string;
  sub?: string;
  subscribe: string[];
  publish: string[];
  files?: FilePermission[];
  exp: number;
  /** JWT `iat` (seconds since the epoch): a revocation by subject ends the tokens issued up to then. */
  iat?: number;
}

export class TokenService {
  readonly #key: Uint8Array;

  constructor(secret: string) {
    this.#key = new TextEncoder().encode(secret);
  }

  async issue(grant: TokenGrant, now = Date.now()): Promise<{ token: string; expiresAt: string }> {
    const iat = Math.floor(now / 1000);
    const exp = iat + grant.ttl;
    const files = grant.files && grant.files.length > 0 ? { files: [...new Set(grant.files)] } : {};
    const jwt = new SignJWT({ subscribe: grant.subscribe, publish: grant.publish, ...files })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(exp);
    if (grant.sub !== undefined) jwt.setSubject(grant.sub);
    return { token: await jwt.sign(this.#key), expiresAt: new Date(exp * 1000).toISOString() };
  }

  /** Throws HttpError 401 naming why the token is not acceptable. */
  async verify(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.#key, { issuer: ISSUER, algorithms: ['HS256'] });
      const subscribe = payload.subscribe;
      const publish = payload.publish;
      const files = payload.files;
      if (
        !isPatternList(subscribe) ||
        !isPatternList(publish) ||
        (files !== undefined && !isFilePermissionList(files)) ||
        typeof payload.jti !== 'string' ||
        // Open connections are closed at `exp`: a token without one would never expire.
        typeof payload.exp !== 'number'
      ) {
        throw new HttpError(401, 'invalid_token', 'token claims are malformed');
      }
      return {
        jti: payload.jti,
        ...(payload.sub !== undefined ? { sub: payload.sub } : {}),
        subscribe,
        publish,
        ...(files !== undefined ? { files } : {}),
        exp: payload.exp,
        ...(typeof payload.iat === 'number' ? { iat: payload.iat } : {}),
      };
    } catch (err) {
      if (err instanceof HttpError) throw err;
      if (err instanceof errors.JWTExpired) throw new HttpError(401, 'token_expired', 'token has expired');
      throw new HttpError(401, 'invalid_token', 'token is not valid (bad signature or format)');
    }
  }
}

function isPatternList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((p) => typeof p === 'string' && isValidPattern(p));
}

function isFilePermissionList(v: unknown): v is FilePermission[] {
  return Array.isArray(v) && v.every((p) => (FILE_PERMISSIONS as readonly unknown[]).includes(p));
}
