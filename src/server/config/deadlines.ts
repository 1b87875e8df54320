// Deadlines of every dependency call, of readiness checks and of the drain's readiness window. Listed
// under the group of the dependency they bound; docs/operations.md explains what each outage looks like.
import { duration, type SettingTable } from './setting.js';

/** A duration of at least 1ms: a zero deadline would fail every call. */
const deadline = duration.refine((ms) => ms > 0, { error: 'expected a duration above 0' });

export const deadlineSettings = {
  READINESS_TIMEOUT: {
    group: 'Server',
    doc: 'Deadline of each dependency check of `GET /readyz`. A check past it fails, so readiness answers 503 naming the dependency within this time even when the dependency hangs.',
    default: '2s',
    schema: deadline,
  },
  DRAIN_READINESS_WINDOW: {
    group: 'Server',
    doc: 'On SIGTERM/SIGINT, how long the listener stays open while `/readyz` answers 503 `draining` and new WebSocket upgrades are refused, so proxies with pooled connections stop routing here before connections close. Spent out of `DRAIN_TIMEOUT`, and at most half of it. `0` closes the listener at once.',
    default: '2s',
    schema: duration,
  },
  DATABASE_QUERY_TIMEOUT: {
    group: 'PostgreSQL',
    doc: 'Deadline of one query of the server: the client gives up after it (even when the network stalls) and PostgreSQL cancels the statement (`statement_timeout`). The request then gets 503 `unavailable` with `Retry-After` and the connection is discarded.',
    default: '5s',
    schema: deadline,
  },
  REDIS_COMMAND_TIMEOUT: {
    group: 'Redis',
    doc: 'Deadline of one Redis command. Past it the command fails (rate limits let requests through, publishes still commit and are acknowledged) and the connection counts as stalled: further commands fail at once until a probe is answered; a connection stalled for three deadlines is replaced.',
    default: '2s',
    schema: deadline,
  },
  REDIS_CONNECT_TIMEOUT: {
    group: 'Redis',
    doc: 'How long a Redis connection may take to open. At start the server waits at most this long for Redis, then serves without it (readiness 503 naming `redis`) and keeps reconnecting in the background.',
    default: '5s',
    schema: deadline,
  },
  S3_REQUEST_TIMEOUT: {
    group: 'Object storage',
    doc: 'How long one S3 request may go without moving a byte (connecting, waiting for an answer, or mid-transfer). Past it the request is aborted and the client gets 503 `unavailable` with `Retry-After`.',
    default: '30s',
    schema: deadline,
  },
} satisfies SettingTable;
