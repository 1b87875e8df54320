// Who is calling and what they may do: a server-side API key (everything), a client token (the channel
// patterns and file permissions it carries), or anonymous (read-only access to PUBLIC_CHANNELS).
import { matchesAny } from './channel-names.js';
import type { FilePermission } from './tokens.js';

export interface Principal {
  readonly kind: 'api-key' | 'token' | 'anonymous';
  /** Stable identity for rate limits and logs; never the secret itself. */
  readonly id: string;
  /** The user id a token was minted for, if any. */
  readonly sub?: string;
  /** A client token's id (JWT `jti`), by which it can be revoked. */
  readonly jti?: string;
  /** When a client token was issued (ms since the epoch, from `iat`). */
  readonly issuedAt?: number;
  /** When a client token stops being valid (ms since the epoch); API keys and anonymous callers never expire. */
  readonly expiresAt?: number;
  /** API keys may publish anywhere, mint tokens and administer. */
  readonly admin: boolean;
  canSubscribe(channel: string): boolean;
  canPublish(channel: string): boolean;
  /** Upload files (owned by `sub`); owners may always read and delete their own files. */
  readonly canUploadFiles: boolean;
  /** Read any file by id, not only the caller's own (e.g. attachments referenced in messages). */
  readonly canReadAnyFile: boolean;
}

export function apiKeyPrincipal(keyId: string): Principal {
  return {
    kind: 'api-key',
    id: `key:${keyId}`,
    admin: true,
    canSubscribe: () => true,
    canPublish: () => true,
    canUploadFiles: true,
    canReadAnyFile: true,
  };
}

export function tokenPrincipal(claims: {
  jti: string;
  sub?: string;
  subscribe: string[];
  publish: string[];
  files?: FilePermission[];
  /** JWT `exp`: seconds since the epoch. */
  exp?: number;
  /** JWT `iat`: seconds since the epoch. */
  iat?: number;
}): Principal {
  return {
    kind: 'token',
    id: `token:${claims.jti}`,
    jti: claims.jti,
    ...(claims.iat !== undefined ? { issuedAt: claims.iat * 1000 } : {}),
    ...(claims.sub !== undefined ? { sub: claims.sub } : {}),
    ...(claims.exp !== undefined ? { expiresAt: claims.exp * 1000 } : {}),
    admin: false,
    canSubscribe: (channel) => matchesAny(claims.subscribe, channel),
    canPublish: (channel) => matchesAny(claims.publish, channel),
    canUploadFiles: claims.files?.includes('upload') ?? false,
    canReadAnyFile: claims.files?.includes('read') ?? false,
  };
}

export function anonymousPrincipal(ip: string, publicChannels: readonly string[]): Principal {
  return {
    kind: 'anonymous',
    id: `ip:${ip}`,
    admin: false,
    canSubscribe: (channel) => matchesAny(publicChannels, channel),
    canPublish: () => false,
    canUploadFiles: false,
    canReadAnyFile: false,
  };
}
