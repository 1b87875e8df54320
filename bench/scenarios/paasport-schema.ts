// Bulk load of stored messages straight into paasport's tables (src/server/db/migrations/0001_channels.sql),
// keeping the channel row (last offset, incrementally maintained count) consistent with the rows. The
// indexes of `messages` are dropped for the load and rebuilt from their own catalog definitions, which
// halves an 11M-row load and leaves the schema exactly as the migrations made it.
import { withClient } from '../lib/pg.js';
import type { Deployment } from '../targets/server.js';

/** Env for the Express + pg peer so it counts the very same rows with COUNT(*). */
export const PEER_ON_PAASPORT_TABLE = {
  PEER_TABLE: 'messages',
  PEER_CHANNEL_COL: 'channel',
  PEER_TS_COL: 'created_at',
};

export async function loadPaasportMessages(
  dep: Deployment,
  channels: { channel: string; n: number }[],
  baseMs: number,
) {
  await withClient(dep.databaseUrl!, async (c) => {
    const constraints = (
      await c.query(
        `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
         WHERE conrelid = 'public.messages'::regclass AND contype IN ('p', 'u')`,
      )
    ).rows as { conname: string; def: string }[];
    const owned = new Set(constraints.map((r) => r.conname));
    const indexes = (
      await c.query(
        `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'messages'`,
      )
    ).rows.filter((r) => !owned.has(r.indexname)) as { indexname: string; indexdef: string }[];
    for (const r of constraints) await c.query(`ALTER TABLE messages DROP CONSTRAINT "${r.conname}"`);
    for (const r of indexes) await c.query(`DROP INDEX "${r.indexname}"`);
    try {
      for (const { channel, n } of channels) {
        await c.query(
          `INSERT INTO messages (channel, "offset", id, data, created_at)
           SELECT $1, g, lpad(g::text, 12, '0'), json_build_object('n', g),
                  to_timestamp($2::double precision / 1000) + g * interval '1 ms'
           FROM generate_series(1, $3::bigint) AS g`,
          [channel, baseMs, n],
        );
        await c.query(
          `INSERT INTO channels (name, last_offset, count, last_at)
           VALUES ($1, $2::bigint, $2::bigint, to_timestamp($3::double precision / 1000) + $2::bigint * interval '1 ms')
           ON CONFLICT (name) DO UPDATE SET last_offset = EXCLUDED.last_offset, count = EXCLUDED.count,
             last_at = EXCLUDED.last_at`,
          [channel, n, baseMs],
        );
      }
    } finally {
      await c.query(`SET maintenance_work_mem = '256MB'`);
      for (const r of constraints)
        await c.query(`ALTER TABLE messages ADD CONSTRAINT "${r.conname}" ${r.def}`);
      for (const r of indexes) await c.query(r.indexdef);
    }
    await c.query('VACUUM ANALYZE messages');
    await c.query('VACUUM ANALYZE channels');
  });
}
