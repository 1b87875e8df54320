// Settings of the realtime channels: recovery bound, message size, retention, presence and rate limits.
// Zero means "no limit" for the retention bounds so the defaults keep every message.
import { bool, bytes, duration, nonNegativeInt, positiveInt, type SettingTable } from './setting.js';

export const channelSettings = {
  CHANNEL_RECOVERY_MAX: {
    group: 'Channels',
    doc: 'Most messages replayed when a client subscribes with `since`. Further behind, the client gets `recovered:false` and must reload its state (e.g. from the history endpoint).',
    default: '1000',
    schema: positiveInt,
  },
  CHANNEL_MAX_DATA_SIZE: {
    group: 'Channels',
    doc: 'Largest `data` of one message, measured as JSON text; larger publishes are refused with `message_too_large`.',
    default: '64KiB',
    schema: bytes,
  },
  CHANNEL_MAX_SUBSCRIPTIONS: {
    group: 'Channels',
    doc: 'Channels one WebSocket connection may be subscribed to at once.',
    default: '1000',
    schema: positiveInt,
  },
  CHANNEL_SYNC_INTERVAL: {
    group: 'Channels',
    doc: 'How often each replica compares the last offset in PostgreSQL with what it delivered on every channel it serves, and fills any gap (a safety net behind the Redis fan-out).',
    default: '5s',
    schema: duration,
  },
  CHANNEL_RETENTION_MAX_AGE: {
    group: 'Channels',
    doc: 'Messages older than this are deleted from every channel. `0` keeps them forever.',
    default: '0',
    schema: duration,
  },
  CHANNEL_RETENTION_MAX_MESSAGES: {
    group: 'Channels',
    doc: 'Messages kept per channel; older ones are deleted. `0` keeps all.',
    default: '0',
    schema: nonNegativeInt,
  },
  CHANNEL_RETENTION_INTERVAL: {
    group: 'Channels',
    doc: 'How often retention runs. Safe with several replicas: each channel is pruned by one replica at a time (PostgreSQL advisory locks).',
    default: '1m',
    schema: duration,
  },
  PRESENCE_TTL: {
    group: 'Presence',
    doc: 'Lifetime of a presence entry without a heartbeat. Entries of a crashed replica disappear after it.',
    default: '30s',
    schema: duration,
  },
  PRESENCE_HEARTBEAT: {
    group: 'Presence',
    doc: 'How often each replica refreshes the presence entries of its connections and expires stale ones. Keep it well below `PRESENCE_TTL`.',
    default: '10s',
    schema: duration,
  },
  RATE_LIMIT_ENABLED: {
    group: 'Rate limits',
    doc: 'Enforce the limits below: HTTP answers 429 with `Retry-After`, WebSocket frames get an `error` frame with code `rate_limited`. Shared by all replicas through Redis; per process without `REDIS_URL`.',
    default: 'true',
    schema: bool,
  },
  RATE_LIMIT_WINDOW: {
    group: 'Rate limits',
    doc: 'Length of the fixed window the limits count in.',
    default: '1s',
    schema: duration,
  },
  RATE_LIMIT_API_KEY: {
    group: 'Rate limits',
    doc: 'Requests plus WebSocket frames per window for each API key.',
    default: '2000',
    schema: positiveInt,
  },
  RATE_LIMIT_TOKEN: {
    group: 'Rate limits',
    doc: 'Requests plus WebSocket frames per window for each client token.',
    default: '100',
    schema: positiveInt,
  },
  RATE_LIMIT_ANONYMOUS: {
    group: 'Rate limits',
    doc: 'Requests plus WebSocket frames per window for each client IP without credentials.',
    default: '30',
    schema: positiveInt,
  },
} satisfies SettingTable;
