// Settings of the server foundation: process, HTTP, database, bus, object storage and auth secrets.
// Names are the ones PaaS platforms inject (PORT, DATABASE_URL, REDIS_URL) where such a name exists.
import { z } from 'zod';
import { isValidPattern } from '../auth/channel-names.js';
import {
  bool,
  bytes,
  duration,
  list,
  origins,
  port,
  positiveInt,
  type SettingTable,
  url,
} from './setting.js';

export const coreSettings = {
  NODE_ENV: {
    group: 'Server',
    doc: 'Runtime mode. `production` refuses to start without strong secrets (`JWT_SECRET`, `API_KEYS`, Pusher app secrets) and with any default or example value in a secret setting or connection-URL password (`minioadmin`, `postgres`, `change-me`, ...).',
    default: 'development',
    schema: z.enum(['development', 'production', 'test']),
  },
  PORT: {
    group: 'Server',
    doc: 'Port for HTTP and WebSocket traffic (one port for both). Platforms usually inject it. `0` picks a free port.',
    default: '3000',
    schema: port,
  },
  HOST: {
    group: 'Server',
    doc: 'Interface to listen on. Keep `0.0.0.0` in containers so the platform proxy can reach the server.',
    default: '0.0.0.0',
    schema: z.string().min(1),
  },
  LOG_LEVEL: {
    group: 'Server',
    doc: 'Minimum level of the JSON logs written to stdout.',
    default: 'info',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  },
  TRUST_PROXY: {
    group: 'Server',
    doc: 'Which proxies may set `X-Forwarded-For`/`-Proto` (Express `trust proxy`): `true`, `false`, a hop count, or a comma-separated list of addresses/subnets or the names `loopback`, `linklocal`, `uniquelocal`. The default trusts private networks, where CapRover, Coolify and Railway proxies live.',
    default: 'loopback,linklocal,uniquelocal',
    schema: z.string().transform((v): boolean | number | string => {
      if (v === 'true' || v === 'false') return v === 'true';
      if (/^\d+$/.test(v)) return Number(v);
      return v;
    }),
  },
  CORS_ORIGINS: {
    group: 'Server',
    doc: 'Comma-separated origins allowed to call the HTTP API from a browser, exactly as browsers send them: scheme, host and port, no trailing slash, e.g. `https://app.example.com,http://localhost:5173`. Empty allows none; `*` allows any and must be set explicitly. When set, file downloads may also be embedded by other origins (`Cross-Origin-Resource-Policy: cross-origin`).',
    default: '',
    schema: origins,
  },
  BODY_LIMIT: {
    group: 'Server',
    doc: 'Largest JSON request body accepted; larger bodies get 413.',
    default: '1MiB',
    schema: bytes,
  },
  DRAIN_TIMEOUT: {
    group: 'Server',
    doc: 'On SIGTERM/SIGINT, how long in-flight requests may take before the process exits anyway. Keep it below the platform kill grace (Docker and Swarm default to 10s).',
    default: '8s',
    schema: duration,
  },
  DATA_DIR: {
    group: 'Server',
    doc: 'Directory for embedded mode: the embedded PostgreSQL database and local files live here when `DATABASE_URL` or `S3_ENDPOINT` are unset.',
    default: './data',
    schema: z.string().min(1),
  },
  METRICS_ENABLED: {
    group: 'Server',
    doc: 'Serve Prometheus metrics at `GET /metrics`.',
    default: 'true',
    schema: bool,
  },
  METRICS_TOKEN: {
    group: 'Server',
    doc: 'When set, `GET /metrics` requires `Authorization: Bearer <METRICS_TOKEN>` (Prometheus: `authorization: { credentials: ... }`); other callers get 401. At least 16 characters.',
    secret: true,
    schema: z.string().min(16, 'expected at least 16 characters').optional(),
  },
  METRICS_PORT: {
    group: 'Server',
    doc: 'When set, `/metrics` is served only on this port (on `HOST`), a listener of its own that the platform does not publish, and no longer on `PORT`. Must differ from `PORT`.',
    example: '9464',
    schema: port.optional(),
  },
  WS_MAX_PAYLOAD: {
    group: 'WebSocket',
    doc: 'Largest WebSocket frame a client may send; a larger one closes the connection with code 1009. Never below twice `CHANNEL_MAX_DATA_SIZE` plus 16KiB, so a publish whose `data` is too large gets the `message_too_large` error frame rather than a close.',
    default: '64KiB',
    schema: bytes,
  },
  WS_MAX_CONNECTIONS: {
    group: 'WebSocket',
    doc: 'WebSocket connections accepted by one replica; further upgrades are refused (close 4503 `too_many_connections`, see docs/protocol.md) so clients reconnect and the platform balancer can try another replica.',
    default: '20000',
    schema: positiveInt,
  },
  WS_PING_INTERVAL: {
    group: 'WebSocket',
    doc: 'Interval of server pings; a peer that has not answered by the next ping is terminated.',
    default: '25s',
    schema: duration,
  },
  WS_MAX_BUFFERED: {
    group: 'WebSocket',
    doc: 'Send buffer cap per connection. A slow consumer whose unsent data passes it is closed with code 1013 (reason `slow consumer`) and can reconnect and recover with `since`.',
    default: '1MiB',
    schema: bytes,
  },
  WS_PER_MESSAGE_DEFLATE: {
    group: 'WebSocket',
    doc: 'Negotiate permessage-deflate compression. Off by default: it costs CPU and memory per connection for small JSON frames.',
    default: 'false',
    schema: bool,
  },
  DATABASE_URL: {
    group: 'PostgreSQL',
    doc: 'PostgreSQL connection URL. `sslmode` in the URL is honoured. Unset: an embedded PostgreSQL (PGlite) under `DATA_DIR`, for one replica only.',
    example: 'postgres://paasport:secret@postgres:5432/paasport',
    secret: true,
    schema: url(['postgres', 'postgresql']).optional(),
  },
  DATABASE_POOL_MAX: {
    group: 'PostgreSQL',
    doc: 'Connections in the pool of each replica.',
    default: '10',
    schema: positiveInt,
  },
  DATABASE_CONNECT_TIMEOUT: {
    group: 'PostgreSQL',
    doc: 'How long to wait for a new database connection.',
    default: '5s',
    schema: duration,
  },
  DATABASE_STATEMENT_TIMEOUT: {
    group: 'PostgreSQL',
    doc: 'Server-side limit on one statement (`statement_timeout`).',
    default: '30s',
    schema: duration,
  },
  DATABASE_PREPARED_STATEMENTS: {
    group: 'PostgreSQL',
    doc: 'Prepare the publish statement once per connection, so PostgreSQL does not plan it for every batch. Set `false` behind a transaction-mode pooler that does not keep prepared statements (PgBouncer before 1.21, or without `max_prepared_statements`).',
    default: 'true',
    schema: bool,
  },
  MIGRATE_ON_START: {
    group: 'PostgreSQL',
    doc: 'Run pending migrations at start (under an advisory lock, safe with several replicas). Set `false` when a pre-deploy step runs `paasport migrate`.',
    default: 'true',
    schema: bool,
  },
  REDIS_URL: {
    group: 'Redis',
    doc: 'Redis URL for cross-replica fan-out, presence and shared rate limits. Unset: an in-process bus that serves one replica only.',
    example: 'redis://:secret@redis:6379',
    secret: true,
    schema: url(['redis', 'rediss']).optional(),
  },
  REDIS_KEY_PREFIX: {
    group: 'Redis',
    doc: 'Prefix of every Redis key and pub/sub channel, so several deployments can share one Redis.',
    default: 'paasport:',
    schema: z.string(),
  },
  BUS_PROBE_INTERVAL: {
    group: 'Redis',
    doc: 'How often the bus sends itself a probe through Redis pub/sub; a subscriber connection that misses three probes in a row is replaced.',
    default: '5s',
    schema: duration,
  },
  S3_ENDPOINT: {
    group: 'Object storage',
    doc: 'S3/MinIO endpoint URL as seen from the server, e.g. `http://minio:9000`. Unset: files are stored under `DATA_DIR`.',
    example: 'http://minio:9000',
    schema: url(['http', 'https']).optional(),
  },
  S3_PUBLIC_ENDPOINT: {
    group: 'Object storage',
    doc: 'S3/MinIO endpoint URL as seen from browsers, used in presigned URLs (the internal service name is not reachable from outside). Defaults to `S3_ENDPOINT`.',
    example: 'https://files.example.com',
    schema: url(['http', 'https']).optional(),
  },
  S3_ACCESS_KEY: {
    group: 'Object storage',
    doc: 'Access key (MinIO root user or a service account). Required with `S3_ENDPOINT`.',
    secret: true,
    schema: z.string().min(1).optional(),
  },
  S3_SECRET_KEY: {
    group: 'Object storage',
    doc: 'Secret key. Required with `S3_ENDPOINT`.',
    secret: true,
    schema: z.string().min(1).optional(),
  },
  S3_BUCKET: {
    group: 'Object storage',
    doc: 'Bucket for files and backups; created at start if missing.',
    default: 'paasport',
    schema: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected a valid bucket name (3-63 of a-z 0-9 . -)'),
  },
  S3_REGION: {
    group: 'Object storage',
    doc: 'Region sent to the S3 API. MinIO accepts the default.',
    default: 'us-east-1',
    schema: z.string().min(1),
  },
  S3_FORCE_PATH_STYLE: {
    group: 'Object storage',
    doc: 'Address buckets as `endpoint/bucket` (`true`, which MinIO and other self-hosted stores need) or as `bucket.endpoint` (`false`). `auto` picks `false` for hosted stores known to expect it (AWS S3, Railway Buckets, DigitalOcean Spaces, Wasabi, Google Cloud Storage, Linode, Scaleway) and `true` for any other endpoint.',
    default: 'auto',
    schema: z
      .enum(['auto', 'true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true, false or auto' })
      .transform((v) => (v === 'auto' ? ('auto' as const) : v === 'true' || v === '1' || v === 'yes')),
  },
  API_KEYS: {
    group: 'Auth',
    doc: 'Comma-separated server-side API keys, sent as `Authorization: Bearer <key>`, for publishing, minting client tokens and admin. In production each must be at least 24 characters.',
    secret: true,
    default: '',
    schema: list,
  },
  PUBLIC_CHANNELS: {
    group: 'Auth',
    doc: 'Comma-separated channel patterns (names, or prefixes ending in `*`) that anyone may read and subscribe to without credentials. Empty: none. Publishing always needs a key or token.',
    default: '',
    schema: list.refine((ps) => ps.every(isValidPattern), {
      error: 'expected channel names or prefixes ending in *, e.g. news,public-*',
    }),
  },
  JWT_SECRET: {
    group: 'Auth',
    doc: 'HS256 secret that signs client tokens; the same on every replica. In production at least 32 characters. Unset outside production: a random per-process secret (tokens die with the process).',
    secret: true,
    schema: z.string().min(1).optional(),
  },
} satisfies SettingTable;
