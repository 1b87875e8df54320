// Pusher channel names: which kind a name is (public, private, presence, encrypted, cache variants,
// server-to-user) and the paasport channel it is stored under, so history, the console and metrics see it.
import { createHash } from 'node:crypto';
import { CHANNEL_NAME } from '../auth/channel-names.js';

/** Pusher's rule: up to 164 of letters, digits and `_ - = @ , . ;`. */
const PUSHER_NAME = /^[A-Za-z0-9_\-=@,.;]{1,164}$/;
export const SERVER_TO_USER = '#server-to-user-';

export interface ChannelKind {
  /** Needs a signed `auth` (private-, presence- and their encrypted and cache variants). */
  authorized: boolean;
  presence: boolean;
  encrypted: boolean;
  /** The last event is replayed on subscribe, or `pusher:cache_miss` is sent. */
  cache: boolean;
  /** `#server-to-user-{id}`: only the connection signed in as that user may subscribe. */
  user: string | undefined;
}

export function isValidName(name: string): boolean {
  if (name.startsWith(SERVER_TO_USER)) return PUSHER_NAME.test(name.slice(SERVER_TO_USER.length));
  return PUSHER_NAME.test(name);
}

export function kindOf(name: string): ChannelKind {
  if (name.startsWith(SERVER_TO_USER)) {
    const user = name.slice(SERVER_TO_USER.length);
    return { authorized: false, presence: false, encrypted: false, cache: false, user };
  }
  const presence = name.startsWith('presence-');
  const encrypted = name.startsWith('private-encrypted-');
  const authorized = presence || name.startsWith('private-');
  const rest = presence ? name.slice(9) : encrypted ? name.slice(18) : authorized ? name.slice(8) : name;
  return { authorized, presence, encrypted, cache: rest.startsWith('cache-'), user: undefined };
}

/**
 * The paasport channel of an app's Pusher channel: `pusher.{appId}.{name}` with the characters paasport
 * names do not allow written as `:` and two hex digits (`:` never occurs in Pusher names), or a digest
 * when that would be longer than paasport's 128 characters.
 */
export function storedName(appId: string, name: string): string {
  const escaped = name.replace(
    /[^A-Za-z0-9_.@-]/g,
    (c) => `:${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  const full = `pusher.${appId}.${escaped}`;
  if (CHANNEL_NAME.test(full)) return full;
  return `pusher.${appId}.:h${createHash('sha256').update(name).digest('hex').slice(0, 40)}`;
}

/** The prefix of every stored channel of an app, for the console and history queries. */
export function storedPrefix(appId: string): string {
  return `pusher.${appId}.`;
}
