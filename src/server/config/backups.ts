// Settings of PostgreSQL backups to object storage: schedule, retention and where the client tools live.
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { nonNegativeInt, type SettingTable } from './setting.js';

function validCron(expr: string): boolean {
  try {
    CronExpressionParser.parse(expr);
    return true;
  } catch {
    return false;
  }
}

function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const backupSettings = {
  BACKUP_SCHEDULE: {
    group: 'Backups',
    doc: 'Cron expression (5 fields, or 6 with seconds) for automatic backups, e.g. `0 3 * * *` for 03:00 daily. Exactly one replica runs each scheduled backup (claimed in PostgreSQL). Empty: no schedule; run `paasport backup` from the platform cron instead.',
    default: '',
    example: '0 3 * * *',
    schema: z.string().refine((v) => v.trim() === '' || validCron(v.trim()), {
      error: 'expected a cron expression such as "0 3 * * *"',
    }),
  },
  BACKUP_TIMEZONE: {
    group: 'Backups',
    doc: 'Time zone `BACKUP_SCHEDULE` is read in, and in which the daily, weekly and monthly retention buckets are counted (IANA name).',
    default: 'UTC',
    schema: z
      .string()
      .refine(validTimezone, { error: 'expected an IANA time zone such as UTC or Europe/Berlin' }),
  },
  BACKUP_KEEP_DAILY: {
    group: 'Backups',
    doc: 'Retention: keep the newest backup of each of this many most recent days that have backups.',
    default: '7',
    schema: nonNegativeInt,
  },
  BACKUP_KEEP_WEEKLY: {
    group: 'Backups',
    doc: 'Retention: keep the newest backup of each of this many most recent ISO weeks that have backups.',
    default: '4',
    schema: nonNegativeInt,
  },
  BACKUP_KEEP_MONTHLY: {
    group: 'Backups',
    doc: 'Retention: keep the newest backup of each of this many most recent months that have backups. The newest backup is always kept, whatever the counts.',
    default: '12',
    schema: nonNegativeInt,
  },
  BACKUP_PG_BIN_DIR: {
    group: 'Backups',
    doc: 'Directory holding `pg_dump` and `pg_restore` when they are not on `PATH`, e.g. `/usr/lib/postgresql/16/bin` to match a newer server. Their major version must be at least the server’s.',
    example: '/usr/lib/postgresql/15/bin',
    schema: z.string().min(1).optional(),
  },
} satisfies SettingTable;
