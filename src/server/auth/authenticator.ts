// Turns a request's credentials into a Principal: `Authorization: Bearer <API key or client token>` on HTTP,
// `?token=` (or the same header) on WebSocket upgrades, anonymous otherwise. Bad credentials are 401, never
// silently downgraded to anonymous.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import { HttpError } from '../http/errors.js';
import { anonymousPrincipal, apiKeyPrincipal, type Principal, tokenPrincipal } from './principal.js';
import { TokenService } from './tokens.js';

export interface AuthConfig {
  apiKeys: string[];
  jwtSecret: string;
  publicChannels: string[];
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** Whether a verified client token was revoked (admin/revocations.ts). */
export type RevocationCheck = (token: Principal) => Promise<boolean>;

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

export class Authenticator {
  readonly tokens: TokenService;
  readonly #keys: { digest: Buffer; id: string }[];
  readonly #publicChannels: string[];
  #revoked: RevocationCheck | undefined;

  constructor(cfg: AuthConfig) {
    this.tokens = new TokenService(cfg.jwtSecret);
    // Keys are compared as digests in constant time; the id (a digest prefix) is safe to log and rate-limit on.
    this.#keys = cfg.apiKeys.map((k) => ({ digest: sha256(k), id: sha256(k).toString('hex').slice(0, 12) }));
    this.#publicChannels = cfg.publicChannels;
  }

  /** From now on, every client token is also checked against the revocations. */
  checkRevocations(check: RevocationCheck): void {
    this.#revoked = check;
  }

  get hasPublicChannels(): boolean {
    return this.#publicChannels.length > 0;
  }

  /** An API key or a client token; throws 401 when it is neither. */
  async fromCredential(credential: string): Promise<Principal> {
    const digest = sha256(credential);
    let match: string | undefined;
    for (const key of this.#keys) if (timingSafeEqual(key.digest, digest)) match = key.id;
    if (match !== undefined) return apiKeyPrincipal(match);
    if (JWT_SHAPE.test(credential)) return this.fromToken(credential);
    throw new HttpError(
      401,
      'invalid_credentials',
      'credential is neither a valid API key nor a client token',
    );
  }

  /** A client token only (an API key is not one): the `refresh` frame of WebSocket connections uses it. */
  async fromToken(token: string): Promise<Principal> {
    const principal = tokenPrincipal(await this.tokens.verify(token));
    if (await this.#revoked?.(principal)) {
      throw new HttpError(401, 'token_revoked', 'token has been revoked; get a new one');
    }
    return principal;
  }

  anonymous(ip: string): Principal {
    return anonymousPrincipal(ip, this.#publicChannels);
  }

  async fromRequest(req: Request): Promise<Principal> {
    const bearer = bearerOf(req.headers.authorization);
    return bearer === undefined ? this.anonymous(req.ip ?? 'unknown') : this.fromCredential(bearer);
  }

  /** WebSocket upgrades: browsers cannot set headers, so `?token=` carries the credential. */
  async fromUpgrade(req: IncomingMessage, url: URL, ip: string): Promise<Principal> {
    const credential = url.searchParams.get('token') ?? bearerOf(req.headers.authorization);
    if (credential) return this.fromCredential(credential);
    if (!this.hasPublicChannels) {
      throw new HttpError(
        401,
        'unauthorized',
        'missing credentials: connect with ?token=<client token or API key>',
      );
    }
    return this.anonymous(ip);
  }
}

function bearerOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m)
    throw new HttpError(
      401,
      'invalid_credentials',
      'Authorization header must be "Bearer <API key or token>"',
    );
  return m[1];
}

/** 401 for anonymous callers (they should authenticate), 403 for authenticated callers lacking the grant. */
/** Throws the 401/403 a caller gets for publishing on a channel its grants do not cover. */
export function checkCanPublish(principal: Principal, channel: string): void {
  if (!principal.canPublish(channel)) throw denied(principal, `publishing to channel "${channel}"`);
}

export function denied(principal: Principal, what: string): HttpError {
  return principal.kind === 'anonymous'
    ? new HttpError(
        401,
        'unauthorized',
        `${what} requires credentials: send Authorization: Bearer <API key or token>`,
      )
    : new HttpError(
        403,
        'forbidden',
        `${what} is not allowed for this ${principal.kind === 'token' ? 'token' : 'key'}`,
      );
}
