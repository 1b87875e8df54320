// Public types of the paasport client: the server frames it reads (docs/protocol.md), the events it emits
// and its options. Kept free of DOM and Node types so the same declarations serve browsers and Node.

/** A message as delivered on a channel. */
export interface Message<T = unknown> {
  channel: string;
  /** Position in the channel, from 1, without gaps. */
  offset: number;
  id: string;
  data: T;
  /** Commit time, milliseconds since the epoch. */
  ts: number;
}

/** The answer to a publish: the message is committed. */
export interface Ack {
  channel: string;
  offset: number;
  id: string;
  ts: number;
}

export interface PresenceMember {
  client: string;
  user: string | null;
}

export type PresenceEvent =
  | { channel: string; joined: PresenceMember; left?: undefined }
  | { channel: string; left: PresenceMember; joined?: undefined };

/**
 * Offsets from..to (inclusive) that this subscription will not deliver. `retention` and `unavailable` come
 * from the server's `gap` frame; `not_recovered` means a resubscription could not replay what was missed
 * (too far behind, or pruned): reload state from history if those messages matter.
 */
export interface GapEvent {
  channel: string;
  from: number;
  to: number;
  reason: 'retention' | 'unavailable' | 'not_recovered';
}

export interface SubscribedEvent {
  channel: string;
  /** The channel's last offset when the subscription started; live messages follow it. */
  offset: number;
  recovered: boolean;
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** A token as your backend mints it with POST /v1/tokens (`expiresAt` lets the client refresh in time). */
export interface TokenGrant {
  token: string;
  expiresAt?: string | number | Date;
}

/** A fixed credential, or a function asked for a fresh one (before expiry and after a refusal). */
export type TokenSource = string | (() => string | TokenGrant | Promise<string | TokenGrant>);

/** Any WebSocket constructor with the browser's API: globalThis.WebSocket, or `ws` on Node 20. */
export type WebSocketConstructor = new (url: string) => object;

export interface ClientOptions {
  /**
   * Server base URL (`https://rt.example.com`, `wss://...`) or the full `/v1/ws` URL. Optional in a page that
   * loaded the client from the server's /v1/client.js: it defaults to that server.
   */
  url?: string;
  /** Omit only when the server has public channels (anonymous connection). */
  token?: TokenSource;
  /** Defaults to globalThis.WebSocket (browsers, Node 22+); pass the `ws` package's WebSocket on Node 20. */
  WebSocket?: WebSocketConstructor;
  /** First reconnect delay bound in ms (default 500); each attempt doubles it up to maxDelayMs. */
  minDelayMs?: number;
  /** Largest reconnect delay bound in ms (default 30000). */
  maxDelayMs?: number;
  /** Application-level ping interval in ms, to notice dead networks (default 25000; 0 turns it off). */
  heartbeatMs?: number;
  /** A connection that does not answer within this many ms is given up and reopened (default 10000). */
  timeoutMs?: number;
  /** Publishes held while disconnected before publish() rejects at once (default 1000). */
  maxQueued?: number;
}

export interface SubscribeOptions {
  /** The last offset you already have; the server replays what follows (see docs/protocol.md, Recovery). */
  since?: number;
  /** Also receive presence (join/leave) events. */
  presence?: boolean;
}

export interface PublishOptions {
  /** Idempotency key; generated when omitted. Retries after a reconnect reuse it, so nothing is stored twice. */
  id?: string;
}
