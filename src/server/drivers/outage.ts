// The one place that tells a dependency outage (unreachable, reset, too slow, shutting down) from any other
// failure. Drivers run their calls through DependencyHealth.call (health.ts), which turns an outage into the
// `unavailable` DomainError (503 with Retry-After) and leaves every other error as it is.
import { DomainError, unavailable } from '../errors/domain-error.js';
import { DeadlineExceededError } from '../util/timeout.js';

/** The dependencies as /readyz, the logs and the `unavailable` messages name them. */
export type DependencyName = 'postgres' | 'redis' | 'storage';

/** A driver knows without asking that its dependency cannot answer now (offline, stalled, closed). */
export class DependencyDownError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DependencyDownError';
  }
}

/** When clients are told to retry after an outage answer (Retry-After: 1). */
export const OUTAGE_RETRY_AFTER_MS = 1000;

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ESOCKETTIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Local storage that cannot take writes or reads right now (full, read-only, failing, out of handles). */
const STORAGE_CODES = new Set(['EIO', 'ENOSPC', 'EROFS', 'EDQUOT', 'EMFILE', 'ENFILE']);

/**
 * SQLSTATEs of a server that is going away or cannot serve: class 08 (connection exception), 53300 (too
 * many connections), 57P01-57P05 (admin/crash shutdown, starting up, idle timeouts), 57014 (statement
 * timeout or cancel: the deadline inside PostgreSQL).
 */
const PG_STATE = /^(08[0-9A-Z]{3}|53300|57P0[1-5]|57014)$/;

/** pg and pg-pool raise these without a code when a connection or pool cannot serve. */
const PG_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error',
  'Cannot use a pool after calling end',
  'Client was closed and is not queryable',
];

/** node-redis error classes that mean "no answer from Redis now" (they carry no code, only a class). */
const REDIS_CLASSES = new Set([
  'ClientClosedError',
  'ClientOfflineError',
  'ConnectionTimeoutError',
  'SocketTimeoutError',
  'SocketClosedUnexpectedlyError',
  'DisconnectsClientError',
  'ReconnectStrategyError',
  'TimeoutError',
]);
/** Redis replies of a server that is loading, failing over or refusing writes for now. */
const REDIS_REPLY = /^(LOADING|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|BUSY|READONLY)\b/;

/** S3 error codes and HTTP statuses of a store that is overloaded or down (minio client). */
const S3_CODES = new Set([
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeout',
  'XMinioServerNotInitialized',
  'XMinioStorageFull',
]);

/**
 * Why err means its dependency is out (a short reason for the log), or undefined when it is some other
 * failure (a bug, a constraint, bad input) that no retry would fix.
 */
export function outageReason(err: unknown): string | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  if (err instanceof DomainError) return err.code === 'unavailable' ? err.message : undefined;
  if (err instanceof DeadlineExceededError || err instanceof DependencyDownError) return err.message;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : '';
  if (code && (NETWORK_CODES.has(code) || STORAGE_CODES.has(code))) return `${code} ${message}`.trim();
  if (code && PG_STATE.test(code)) return `SQLSTATE ${code}: ${message}`;
  if (code && S3_CODES.has(code)) return `S3 ${code}: ${message}`;
  if (PG_MESSAGES.some((m) => message.startsWith(m))) return message;
  if (REDIS_CLASSES.has(err.constructor.name)) return `${err.constructor.name}: ${message}`;
  if (err.constructor.name === 'SimpleError' && REDIS_REPLY.test(message)) return message;
  // minio gives up on 5xx answers with a plain Error after its own retry.
  if (/^Request failed after \d+ retries: Error: Retryable HTTP status: 5\d\d/.test(message)) return message;
  // Node's connect to a name with several addresses fails with one AggregateError holding each attempt.
  if (Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((x) => outageReason(x) !== undefined))
    return outageReason(e.errors[0]);
  return e.cause !== undefined && e.cause !== err ? outageReason(e.cause) : undefined;
}

export function isOutage(err: unknown): boolean {
  return outageReason(err) !== undefined;
}

/** The level for a failure its caller logs: an outage is debug, since the driver reports it once already. */
export function failureLevel(err: unknown): 'debug' | 'warn' {
  return isOutage(err) ? 'debug' : 'warn';
}

/** err as the `unavailable` DomainError when it is an outage of `dependency`; otherwise err itself. */
export function asOutage(dependency: DependencyName, err: unknown): unknown {
  if (err instanceof DomainError) return err;
  return isOutage(err) ? unavailable(dependency, OUTAGE_RETRY_AFTER_MS, err) : err;
}
