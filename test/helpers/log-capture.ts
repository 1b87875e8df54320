// A real pino logger whose JSON lines are kept in memory, so tests can count what a server logged.
import { Writable } from 'node:stream';
import { type Logger, pino } from 'pino';

export interface CapturedLog {
  log: Logger;
  /** Every line logged so far, parsed. */
  lines(): Array<Record<string, unknown> & { msg?: string; level: number }>;
  /** Lines whose message is exactly msg. */
  count(msg: string): number;
}

export function captureLog(level = 'info'): CapturedLog {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const log = pino({ level }, sink);
  const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown> & { level: number });
  return {
    log,
    lines: parsed,
    count: (msg) => parsed().filter((l) => l.msg === msg).length,
  };
}
