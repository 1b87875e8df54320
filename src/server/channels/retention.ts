// Retention: deletes the oldest messages of channels past the age or count bound, and keeps the channels'
// stored counts in step. Several replicas may run it at once: each channel is pruned under a transaction-
// scoped advisory lock, and a replica that cannot take it skips that channel for this round.
import type { Database } from '../drivers/database/index.js';
import type { Logger } from '../logger.js';

export interface RetentionLimits {
  maxAgeMs: number;
  maxMessages: number;
}

const BATCH = 10_000;
const LOCK_SPACE = 'paasport.retention';

/** Runs one pass over every channel over a bound; returns the number of messages deleted. */
export async function pruneOnce(db: Database, limits: RetentionLimits, log: Logger): Promise<number> {
  if (limits.maxAgeMs <= 0 && limits.maxMessages <= 0) return 0;
  const cutoff = new Date(Date.now() - limits.maxAgeMs);
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.name FROM channels c WHERE c.count > 0 AND (
       ($1::bigint > 0 AND c.count > $1)
       OR ($2::bigint > 0 AND EXISTS (
         SELECT 1 FROM messages m WHERE m.channel = c.name AND m.created_at < $3)))`,
    [limits.maxMessages, limits.maxAgeMs, cutoff],
  );
  let deleted = 0;
  for (const { name } of rows) {
    for (let round = 0; round < 1000; round++) {
      const n = await pruneChannel(db, name, limits, cutoff);
      if (n === null) break;
      deleted += n;
      if (n < BATCH) break;
    }
  }
  if (deleted > 0) log.info({ deleted, channels: rows.length }, 'retention pruned messages');
  return deleted;
}

/** Deletes up to BATCH of the oldest messages of one channel; null when another replica holds it. */
async function pruneChannel(
  db: Database,
  channel: string,
  limits: RetentionLimits,
  cutoff: Date,
): Promise<number | null> {
  return db.transaction(async (client) => {
    const lock = await client.query<{ ok: boolean }>(
      'SELECT pg_try_advisory_xact_lock(hashtext($1), hashtext($2)) AS ok',
      [LOCK_SPACE, channel],
    );
    if (!lock.rows[0]?.ok) return null;
    // Everything up to `upto` goes: the count bound and the age bound each give an offset, as stored
    // offsets are contiguous and created_at never decreases along them.
    const { rows } = await client.query<{ upto: string | null; first: string | null }>(
      `SELECT GREATEST(
         CASE WHEN $2::bigint > 0 THEN (SELECT last_offset - $2 FROM channels WHERE name = $1) END,
         CASE WHEN $3::bigint > 0 THEN (SELECT "offset" FROM messages WHERE channel = $1 AND created_at < $4
                                        ORDER BY created_at DESC, "offset" DESC LIMIT 1) END
       ) AS upto,
       (SELECT "offset" FROM messages WHERE channel = $1 ORDER BY "offset" LIMIT 1) AS first`,
      [channel, limits.maxMessages, limits.maxAgeMs, cutoff],
    );
    const row = rows[0];
    if (!row || row.upto === null || row.first === null) return 0;
    const upto = Math.min(Number(row.upto), Number(row.first) + BATCH - 1);
    if (upto < Number(row.first)) return 0;
    const del = await client.query('DELETE FROM messages WHERE channel = $1 AND "offset" <= $2', [
      channel,
      upto,
    ]);
    const n = del.rowCount ?? 0;
    if (n > 0) await client.query('UPDATE channels SET count = count - $2 WHERE name = $1', [channel, n]);
    return n;
  });
}

/** Runs pruneOnce every intervalMs until the returned stop function is called. */
export function startRetention(
  db: Database,
  limits: RetentionLimits,
  intervalMs: number,
  log: Logger,
): () => Promise<void> {
  if (limits.maxAgeMs <= 0 && limits.maxMessages <= 0) return async () => {};
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = pruneOnce(db, limits, log)
      .catch((err: unknown) => log.warn({ err }, 'retention run failed'))
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
