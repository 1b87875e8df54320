// What the channel handlers (HTTP routes, WebSocket sessions) share on one replica.
import type { Principal } from '../auth/principal.js';
import type { Logger } from '../logger.js';
import type { ChannelMetrics } from './channel-metrics.js';
import type { FanOut } from './fanout.js';
import type { Outbox } from './outbox.js';
import type { Presence } from './presence.js';
import type { Publisher } from './publisher.js';
import type { RateLimiter } from './rate-limit.js';
import type { ChannelStore } from './store.js';

export interface ChannelLimits {
  recoveryMax: number;
  maxDataSize: number;
  maxSubscriptions: number;
  rateLimitEnabled: boolean;
}

export interface ChannelContext {
  store: ChannelStore;
  fanout: FanOut;
  publisher: Publisher;
  presence: Presence;
  outbox: Outbox;
  rateLimiter: RateLimiter;
  limits: ChannelLimits;
  metrics: ChannelMetrics;
  log: Logger;
  /** A client token as a Principal (not an API key); throws `invalid_token` or `token_expired`. */
  verifyToken(token: string): Promise<Principal>;
  /** Runs background work whose failure is only logged, and lets shutdown wait for it. */
  track(work: Promise<unknown>, what: string): void;
}
