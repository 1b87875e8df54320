// JSON logger (pino) shared by the whole server; secrets are redacted wherever they might be logged.
import { type DestinationStream, type Logger, pino } from 'pino';
import { REDACTED, redactUrl } from './util/redact.js';

export type { Logger };

const URL_FIELDS = new Set(['url', 'originalUrl', 'endpoint']);
const SECRET_FIELDS = ['authorization', 'cookie', 'password', 'secretKey', 'secret', 'token', 'apiKey'];

/** Top level, one level down, and request/response headers, where components put what they log. */
const REDACT_PATHS = [
  ...[...URL_FIELDS].flatMap((f) => [f, `*.${f}`]),
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]),
  ...['authorization', 'cookie', 'set-cookie', 'x-api-key'].flatMap((h) => [
    `headers["${h}"]`,
    `*.headers["${h}"]`,
  ]),
];

/** `destination` defaults to stdout; tests pass a stream to read what was logged. */
export function createLogger(level: string, name = 'paasport', destination?: DestinationStream): Logger {
  return pino(
    {
      name,
      level,
      base: { pid: process.pid },
      redact: {
        paths: REDACT_PATHS,
        // URLs keep their shape, minus credentials; every other path is replaced whole.
        censor: (value, path) =>
          URL_FIELDS.has(path[path.length - 1] ?? '') && typeof value === 'string'
            ? redactUrl(value)
            : REDACTED,
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** A logger that discards everything, for tests that do not inspect logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
