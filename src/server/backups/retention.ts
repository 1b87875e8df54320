// Which backups to keep: the newest backup of each of the N most recent days, ISO weeks and months that have
// backups (N from BACKUP_KEEP_DAILY/WEEKLY/MONTHLY, counted in BACKUP_TIMEZONE), plus always the newest
// backup overall. Pure: dates in, reasons out; pruning deletes whatever gets no reason.

export interface RetentionPolicy {
  daily: number;
  weekly: number;
  monthly: number;
  timeZone: string;
}

export type KeepReason = 'newest' | 'daily' | 'weekly' | 'monthly';

interface Dated {
  name: string;
  at: Date;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function calendarDate(at: Date, timeZone: string): { y: number; m: number; d: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { y: get('year'), m: get('month'), d: get('day') };
}

/** ISO 8601 week-numbering year and week of a calendar date. */
export function isoWeek(y: number, m: number, d: number): { year: number; week: number } {
  const date = new Date(Date.UTC(y, m - 1, d));
  const weekday = date.getUTCDay() || 7;
  // The Thursday of the same week decides the week-numbering year.
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const year = date.getUTCFullYear();
  const week = Math.ceil(((date.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return { year, week };
}

export function bucketKeys(at: Date, timeZone: string): Record<'daily' | 'weekly' | 'monthly', string> {
  const { y, m, d } = calendarDate(at, timeZone);
  const w = isoWeek(y, m, d);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    daily: `${y}-${pad(m)}-${pad(d)}`,
    weekly: `${w.year}-W${pad(w.week)}`,
    monthly: `${y}-${pad(m)}`,
  };
}

/** Every backup that is kept, with why; backups absent from the map are to be pruned. */
export function retention(backups: readonly Dated[], policy: RetentionPolicy): Map<string, KeepReason[]> {
  const newestFirst = [...backups].sort(
    (a, b) => b.at.getTime() - a.at.getTime() || (a.name < b.name ? 1 : -1),
  );
  const kept = new Map<string, KeepReason[]>();
  const keep = (name: string, reason: KeepReason) => kept.set(name, [...(kept.get(name) ?? []), reason]);
  const newest = newestFirst[0];
  if (newest) keep(newest.name, 'newest');
  const keys = newestFirst.map((b) => bucketKeys(b.at, policy.timeZone));
  for (const rule of ['daily', 'weekly', 'monthly'] as const) {
    const limit = policy[rule];
    const seen = new Set<string>();
    for (const [i, b] of newestFirst.entries()) {
      if (seen.size >= limit) break;
      const key = keys[i]![rule];
      if (seen.has(key)) continue;
      seen.add(key);
      keep(b.name, rule);
    }
  }
  return kept;
}
