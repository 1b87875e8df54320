// Admin API for operations (API key only): status, metrics summary, files and backups. File downloads and
// deletion are the files API itself (an API key may read and delete any file).
import { hostname } from 'node:os';
import { type Request, Router } from 'express';
import { runBackup } from '../backups/backup.js';
import { listBackups } from '../backups/catalog.js';
import type { Deps } from '../deps.js';
import { DomainError, invalidInput } from '../errors/domain-error.js';
import { describe } from '../files/routes.js';
import type { FileService } from '../files/service.js';
import type { Cluster } from './cluster.js';
import type { MetricsSummary } from './metrics-summary.js';
import { intQuery, stringQuery } from './routes.js';
import { status } from './status.js';

const baseOf = (req: Request) => `${req.protocol}://${req.get('host')}`;

/** Files are paged newest first; the cursor is the last file's `<createdAt ms>.<id>`. */
function cursorOf(req: Request): { createdAt: Date; id: string } | undefined {
  const raw = stringQuery(req, 'before');
  if (raw === undefined) return undefined;
  const m = /^(\d{1,15})\.([A-Za-z0-9_-]{22})$/.exec(raw);
  if (!m) throw invalidInput('invalid_query', 'before must be the `next` value of a previous page', 'before');
  return { createdAt: new Date(Number(m[1])), id: m[2] as string };
}

interface RunRow {
  scheduled_at: Date;
  claimed_by: string;
  finished_at: Date | null;
  status: string;
  name: string | null;
  error: string | null;
}

export interface OpsRouteDeps {
  deps: Deps;
  files: FileService;
  cluster: Cluster;
  summary: MetricsSummary;
  startedAt: number;
}

export function opsRouter({ deps, files, cluster, summary, startedAt }: OpsRouteDeps): Router {
  const router = Router();
  const { db, store } = deps;
  let running: Promise<unknown> | null = null;

  router.get('/v1/admin/status', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await status(deps, cluster, startedAt));
  });

  router.get('/v1/admin/metrics', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ replica: cluster.id, ...(await summary.summary()) });
  });

  router.get('/v1/admin/files', async (req, res) => {
    const limit = intQuery(req, 'limit', 50, 200);
    const rows = await files.repo.list(limit + 1, cursorOf(req));
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    res.json({
      files: page.map((f) => ({ ...describe(f, baseOf(req)), status: f.status })),
      next: rows.length > limit && last ? `${last.createdAt.getTime()}.${last.id}` : null,
    });
  });

  router.get('/v1/admin/backups', async (_req, res) => {
    const [backups, runs] = await Promise.all([
      listBackups(store),
      db.driver === 'pg'
        ? db
            .query<RunRow>('SELECT * FROM backup_runs ORDER BY scheduled_at DESC LIMIT 10')
            .then((r) => r.rows)
        : Promise.resolve([]),
    ]);
    const newest = backups.at(-1);
    res.json({
      available: db.driver === 'pg',
      schedule: deps.config.env.BACKUP_SCHEDULE.trim() || null,
      backups: backups.reverse().map((b) => ({
        name: b.name,
        at: b.at.toISOString(),
        size: b.size,
        hasChecksum: b.hasChecksum,
      })),
      newest: newest
        ? { name: newest.name, ageSeconds: Math.round((Date.now() - newest.at.getTime()) / 1000) }
        : null,
      runs: runs.map((r) => ({
        at: r.scheduled_at.toISOString(),
        by: r.claimed_by,
        status: r.status,
        finishedAt: r.finished_at?.toISOString() ?? null,
        name: r.name,
        error: r.error,
      })),
    });
  });

  router.post('/v1/admin/backups', async (req, res) => {
    if (db.driver !== 'pg')
      throw new DomainError(
        'backups_unavailable',
        'backups need DATABASE_URL; embedded mode is not backed up',
        {
          status: 409,
        },
      );
    if (running)
      throw new DomainError('backup_running', 'a backup started here is still running', { status: 409 });
    const at = new Date();
    // Recorded like a scheduled run, so the list of runs shows who ran it.
    await db.query('INSERT INTO backup_runs (scheduled_at, claimed_by) VALUES ($1, $2)', [
      at,
      `admin ${req.principal.id} on ${hostname()}:${process.pid}`,
    ]);
    const work = runBackup({
      databaseUrl: db.url,
      store,
      binDir: deps.config.env.BACKUP_PG_BIN_DIR,
      now: at,
    });
    running = work;
    try {
      const b = await work;
      await db.query(
        `UPDATE backup_runs SET status = 'succeeded', finished_at = now(), name = $2 WHERE scheduled_at = $1`,
        [at, b.name],
      );
      res.status(201).json({ name: b.name, size: b.size, sha256: b.sha256, ms: Date.now() - at.getTime() });
    } catch (err) {
      await db
        .query(
          `UPDATE backup_runs SET status = 'failed', finished_at = now(), error = $2 WHERE scheduled_at = $1`,
          [at, (err as Error).message.slice(0, 4000)],
        )
        .catch(() => {});
      throw new DomainError('backup_failed', `backup failed: ${(err as Error).message}`, {
        status: 500,
        cause: err,
      });
    } finally {
      running = null;
    }
  });

  return router;
}
