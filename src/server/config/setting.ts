// The shape of one environment setting and the small parsers shared by every config section.
// Docs (docs/configuration.md, .env.example) and validation are both derived from these records.
import { z } from 'zod';

export interface Setting {
  /** Heading the setting is listed under in docs/configuration.md. */
  group: string;
  /** One or two sentences for operators: what it does and when to change it. */
  doc: string;
  /** Raw string default applied before parsing; absent means the setting is optional or required by its schema. */
  default?: string;
  /** Example value shown in .env.example when there is no default. */
  example?: string;
  /** Secrets are never logged and are shown blank in .env.example. */
  secret?: boolean;
  schema: z.ZodType;
}

export type SettingTable = Record<string, Setting>;

export const port = z.coerce
  .number({ error: 'expected a port number 0-65535' })
  .int('expected a port number 0-65535')
  .min(0, 'expected a port number 0-65535')
  .max(65535, 'expected a port number 0-65535');
export const positiveInt = z.coerce
  .number({ error: 'expected a whole number' })
  .int('expected a whole number')
  .positive('expected a number above 0');
export const nonNegativeInt = z.coerce
  .number({ error: 'expected a whole number' })
  .int('expected a whole number')
  .min(0, 'expected 0 or more');

export const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Comma-separated list; blanks dropped, items trimmed. */
export const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
);

export const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { error: `expected a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}` },
  );

/**
 * Durations need a unit: 500ms, 30s, 5m, 2h, 7d. A bare number is refused (is `30` seconds or milliseconds?),
 * except 0, which means the same in every unit.
 */
export const duration = z.string().transform((v, ctx) => {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(v.trim());
  if (!m || (m[2] === undefined && Number(m[1]) !== 0)) {
    const hint = m ? `; add a unit, e.g. ${m[1]}ms or ${m[1]}s` : '';
    ctx.addIssue({
      code: 'custom',
      message: `expected a duration with a unit such as 500ms, 30s, 5m, 2h or 7d${hint}`,
    });
    return z.NEVER;
  }
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 'ms'] ?? 1;
  return Number(m[1]) * unit;
});

/** Why a CORS origin is not one a browser sends (scheme://host[:port], nothing after), with the fix; or undefined. */
export function originProblem(entry: string): string | undefined {
  if (entry === '*') return undefined;
  const bare = entry.replace(/\/+$/, '');
  if (!entry.includes('://')) return `"${entry}" has no scheme; write https://${bare} (or http://${bare})`;
  let u: URL;
  try {
    u = new URL(entry);
  } catch {
    return `"${entry}" is not a URL; write an origin such as https://app.example.com`;
  }
  const web = u.protocol === 'http:' || u.protocol === 'https:';
  const origin = web ? u.origin : `${u.protocol}//${u.host}`;
  if (entry.endsWith('/')) return `"${entry}" ends with a slash; browsers send ${origin}, write that`;
  // Apps in webviews send origins such as capacitor://localhost: any scheme, but nothing after the host.
  if (origin !== entry) return `"${entry}" is not an origin (scheme://host[:port] only); write ${origin}`;
  return undefined;
}

/** CORS_ORIGINS: `*`, or origins exactly as browsers send them in the Origin header. */
export const origins = list.superRefine((entries, ctx) => {
  for (const entry of entries) {
    const problem = originProblem(entry);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }
});

/** Sizes accept bytes or a binary suffix: 64KiB, 10MiB, 1GiB (KB/MB/GB are read as powers of 1024 too). */
export const bytes = z.string().transform((v, ctx) => {
  const m = /^(\d+)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(v.trim());
  if (!m) {
    ctx.addIssue({ code: 'custom', message: 'expected a size such as 65536, 64KiB, 10MiB or 1GiB' });
    return z.NEVER;
  }
  const unit = (m[2] ?? 'b').toLowerCase()[0] as 'b' | 'k' | 'm' | 'g';
  return Number(m[1]) * { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[unit];
});
