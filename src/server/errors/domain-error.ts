// The one error type of the server's domain: a stable code clients branch on, the HTTP status it stands for,
// and optional hints (the offending field, when to retry). Each transport maps it once: toHttp in
// http/errors.ts, toWsFrame in ws/error-frame.ts. Anything that is not a DomainError is a bug: `internal`.
import type { z } from 'zod';

export interface DomainErrorOptions {
  /** HTTP status the code stands for; 400 unless given. */
  status?: number;
  /** The input field at fault, as a path (`data.items[3]`, `id`, `channel`). */
  field?: string;
  /** When a retry may succeed: HTTP sends Retry-After (seconds), WebSocket frames carry it as is. */
  retryAfterMs?: number;
  /** Machine-readable detail, such as every validation problem. */
  details?: unknown;
  cause?: unknown;
}

export class DomainError extends Error {
  readonly status: number;
  readonly field: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly details: unknown;

  constructor(
    readonly code: string,
    message: string,
    opts: DomainErrorOptions = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'DomainError';
    this.status = opts.status ?? 400;
    this.field = opts.field;
    this.retryAfterMs = opts.retryAfterMs;
    this.details = opts.details;
  }
}

/** A client input that breaks a documented rule: 400 with the code and the field at fault. */
export function invalidInput(code: string, message: string, field?: string): DomainError {
  return new DomainError(code, message, field === undefined ? {} : { field });
}

/** The caller's budget is used up; `unit` says what was counted (requests, frames). */
export function rateLimited(limit: number, retryAfterMs: number, unit = 'requests'): DomainError {
  return new DomainError('rate_limited', `rate limit of ${limit} ${unit} per window exceeded`, {
    status: 429,
    retryAfterMs: Math.max(0, Math.round(retryAfterMs)),
  });
}

/** A dependency (database, Redis, object storage) cannot answer now; the same request may work later. */
export function unavailable(what: string, retryAfterMs = 1000, cause?: unknown): DomainError {
  return new DomainError('unavailable', `${what} is unavailable; retry shortly`, {
    status: 503,
    retryAfterMs,
    cause,
  });
}

/** What clients see of a bug; the cause goes to the log, never to the client. */
export function internalError(cause?: unknown): DomainError {
  return new DomainError('internal', 'internal server error', { status: 500, cause });
}

/** Zod issues as one 400: every problem in `details`, the first one's path as the field. */
export function fromZodError(error: z.ZodError, code = 'invalid_body'): DomainError {
  const problems = error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
  const first = error.issues[0]?.path.join('.');
  return new DomainError(code, problems.join('; '), {
    details: problems,
    ...(first ? { field: first } : {}),
  });
}

/** Parses with a zod schema; invalid input becomes the 400 of fromZodError. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, code?: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw fromZodError(parsed.error, code);
  return parsed.data;
}
