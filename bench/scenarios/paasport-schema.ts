// Bulk load of stored messages straight into paasport's tables (src/server/db/migrations/0001_channels.sql),
// keeping the channel row (last offset, incrementally maintained count) consistent with the rows.
import { withClient } from '../lib/pg.js';
import type { Deployment } from '../targets/server.js';

/** Env for the Express + pg peer so it counts the very same rows with COUNT(*). */
export const PEER_ON_PAASPORT_TABLE = {
  PEER_TABLE: 'messages',
  PEER_CHANNEL_COL: 'channel',
  PEER_TS_COL: 'created_at',
};

export async function loadPaasportMessages(dep: Deployment, channel: string, n: number, baseMs: number) {
  await withClient(dep.databaseUrl!, async (c) => {
    // Ids zero-padded so they arrive in index order: the unique (channel, id) index is appended to, not
    // split at random, which keeps a 10M-row load around a minute.
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
    await c.query('VACUUM ANALYZE messages');
    await c.query('VACUUM ANALYZE channels');
  });
}
