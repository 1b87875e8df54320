// Pusher's HMAC-SHA256 signatures: channel authorizations (`socket_id:channel[:channel_data]`), user
// sign-in (`socket_id::user::user_data`), HTTP API requests (method, path, sorted query) and webhooks.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { PusherApp } from './apps.js';

export function sign(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}

export function md5(body: Buffer | string): string {
  return createHash('md5').update(body).digest('hex');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks an `auth` value of the form `key:signature` against the text the client says it was given. */
export function verifyAuth(app: PusherApp, auth: unknown, text: string): boolean {
  if (typeof auth !== 'string') return false;
  const colon = auth.indexOf(':');
  if (colon < 0 || auth.slice(0, colon) !== app.key) return false;
  return sameText(auth.slice(colon + 1), sign(app.secret, text));
}

export function channelAuthText(socketId: string, channel: string, channelData?: string): string {
  return channelData === undefined ? `${socketId}:${channel}` : `${socketId}:${channel}:${channelData}`;
}

export function userAuthText(socketId: string, userData: string): string {
  return `${socketId}::user::${userData}`;
}

/** Why a signed HTTP API request is refused, as Pusher words it; undefined when it is valid. */
export function checkRequestSignature(
  app: PusherApp,
  method: string,
  path: string,
  query: URLSearchParams,
  body: Buffer,
  nowMs: number,
  skewMs: number,
): string | undefined {
  const params = new Map<string, string>();
  for (const [k, v] of query) params.set(k.toLowerCase(), v);
  if (params.get('auth_key') !== app.key) return 'Unknown auth_key';
  const ts = Number(params.get('auth_timestamp'));
  if (!Number.isFinite(ts)) return 'Missing auth_timestamp';
  if (Math.abs(nowMs / 1000 - ts) > skewMs / 1000)
    return `Timestamp expired: Given timestamp (${ts}) not within ${Math.round(skewMs / 1000)}s of server time (${Math.floor(nowMs / 1000)})`;
  if (params.get('auth_version') !== '1.0') return 'Invalid auth_version (expected 1.0)';
  if (body.length > 0 && params.get('body_md5') !== md5(body)) return 'Invalid body_md5';
  const given = params.get('auth_signature');
  params.delete('auth_signature');
  const ordered = [...params].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`);
  const text = [method.toUpperCase(), path, ordered.join('&')].join('\n');
  const expected = sign(app.secret, text);
  if (!given || !sameText(given, expected))
    return `Invalid signature: Expected HMAC SHA256 hex digest of ${JSON.stringify(text)}`;
  return undefined;
}
