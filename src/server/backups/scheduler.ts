// Scheduled backups inside the server: every replica computes the next BACKUP_SCHEDULE time, and at that
// time each tries to claim it with an INSERT into backup_runs; the primary key lets exactly one succeed,
// whatever the clock skew between replicas. The winner dumps, prunes by retention and records the outcome.
import { hostname } from 'node:os';
import { CronExpressionParser } from 'cron-parser';
import type { Deps } from '../deps.js';
import type { Database } from '../drivers/database/index.js';
import type { ObjectStore } from '../drivers/object-store/index.js';
import type { Logger } from '../logger.js';
import { runBackup } from './backup.js';
import { pruneBackups } from './catalog.js';
import type { RetentionPolicy } from './retention.js';

// setTimeout cannot wait longer than this; longer waits are re-armed.
const MAX_DELAY_MS = 2 ** 31 - 1;

export interface ScheduledRunOptions {
  db: Database;
  store: ObjectStore;
  policy: RetentionPolicy;
  binDir?: string | undefined;
  replica: string;
  log: Logger;
  signal?: AbortSignal;
}

export function nextRun(schedule: string, timeZone: string, after: Date): Date {
  return CronExpressionParser.parse(schedule, { currentDate: after, tz: timeZone }).next().toDate();
}

/** Runs the backup of one scheduled time if this replica wins the claim; 'skipped' when another did. */
export async function runScheduled(
  scheduledAt: Date,
  o: ScheduledRunOptions,
): Promise<'ran' | 'skipped' | 'failed'> {
  const claim = await o.db.query(
    `INSERT INTO backup_runs (scheduled_at, claimed_by) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING scheduled_at`,
    [scheduledAt, o.replica],
  );
  if (claim.rowCount === 0) return 'skipped';
  try {
    const backup = await runBackup({
      databaseUrl: o.db.url,
      store: o.store,
      binDir: o.binDir,
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const pruned = await pruneBackups(o.store, o.policy);
    await o.db.query(
      `UPDATE backup_runs SET status = 'succeeded', finished_at = now(), name = $2 WHERE scheduled_at = $1`,
      [scheduledAt, backup.name],
    );
    // A year of run records is plenty for operators; older ones are noise.
    await o.db.query(`DELETE FROM backup_runs WHERE scheduled_at < now() - interval '366 days'`);
    o.log.info(
      {
        backup: backup.name,
        bytes: backup.size,
        sha256: backup.sha256,
        pruned: pruned.deleted.map((d) => d.name),
      },
      'scheduled backup done',
    );
    return 'ran';
  } catch (err) {
    o.log.error({ err, scheduledAt }, 'scheduled backup failed');
    await o.db
      .query(
        `UPDATE backup_runs SET status = 'failed', finished_at = now(), error = $2 WHERE scheduled_at = $1`,
        [scheduledAt, (err as Error).message.slice(0, 4000)],
      )
      .catch(() => {});
    return 'failed';
  }
}

/** Arms the schedule when BACKUP_SCHEDULE is set; stops (interrupting a running backup) on shutdown. */
export function startBackupScheduler(deps: Deps): void {
  const { config, db, store, lifecycle } = deps;
  const env = config.env;
  const schedule = env.BACKUP_SCHEDULE.trim();
  if (schedule === '') return;
  const log = deps.log.child({ component: 'backups' });
  if (db.driver !== 'pg') {
    log.warn('BACKUP_SCHEDULE is set but backups need DATABASE_URL; embedded mode is not backed up');
    return;
  }
  const controller = new AbortController();
  const options: ScheduledRunOptions = {
    db,
    store,
    policy: {
      daily: env.BACKUP_KEEP_DAILY,
      weekly: env.BACKUP_KEEP_WEEKLY,
      monthly: env.BACKUP_KEEP_MONTHLY,
      timeZone: env.BACKUP_TIMEZONE,
    },
    binDir: env.BACKUP_PG_BIN_DIR,
    replica: `${hostname()}:${process.pid}`,
    log,
    signal: controller.signal,
  };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  const arm = (after: Date) => {
    if (controller.signal.aborted) return;
    const at = nextRun(schedule, env.BACKUP_TIMEZONE, after);
    const fire = () => {
      if (Date.now() < at.getTime()) {
        timer = setTimeout(fire, Math.min(at.getTime() - Date.now(), MAX_DELAY_MS));
        timer.unref();
        return;
      }
      running = runScheduled(at, options)
        .catch((err: unknown) => log.error({ err }, 'scheduled backup failed'))
        .finally(() => arm(new Date(Math.max(Date.now(), at.getTime() + 1000))));
    };
    timer = setTimeout(fire, Math.min(Math.max(0, at.getTime() - Date.now()), MAX_DELAY_MS));
    timer.unref();
  };
  arm(new Date());
  log.info(
    { schedule, timeZone: env.BACKUP_TIMEZONE, next: nextRun(schedule, env.BACKUP_TIMEZONE, new Date()) },
    'backups scheduled',
  );
  lifecycle.onStop('backup scheduler', async () => {
    controller.abort();
    clearTimeout(timer);
    await running;
  });
}
