// JSON logger (pino) shared by the whole server; secrets are redacted wherever they might be logged.
import { type Logger, pino } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'paasport'): Logger {
  return pino({
    name,
    level,
    base: { pid: process.pid },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', '*.password', '*.secretKey', 'token'],
      censor: '[redacted]',
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

/** A logger that discards everything, for tests that do not inspect logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
