// Bulk load of stored messages straight into paasport's tables (src/server/db/migrations), keeping the
// incrementally maintained channel counters consistent with the inserted rows.
import { withClient } from '../lib/pg.js';
import type { Deployment } from '../targets/server.js';

export async function loadPaasportMessages(dep: Deployment, channel: string, n: number, baseMs: number) {
  await withClient(dep.databaseUrl!, async (c) => {
    const { rows } = await c.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    const tables = rows.map((r) => String(r.table_name));
    throw new Error(
      `no bulk loader for this paasport schema yet (tables: ${tables.join(', ') || 'none'}; ` +
        `channel ${channel}, ${n} rows from ${baseMs})`,
    );
  });
}
