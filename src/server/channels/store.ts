// PostgreSQL side of channels: appending messages (offsets assigned in the same statement that inserts
// them, idempotent by id), reading ranges for history, recovery and gap fill, channel info and window counts.
import type { Database } from '../drivers/database/index.js';
import type { StoredMessage } from './frames.js';

export interface AppendItem {
  id: string;
  /** JSON text of the data. */
  data: string;
  /** True when the id came from the client, so it may already exist. */
  clientId: boolean;
}

export interface Appended extends StoredMessage {
  /** The id existed already: this is the original message, nothing new was written. */
  replayed: boolean;
}

const UNIQUE_VIOLATION = '23505';

// One statement, so one implicit transaction and one round trip: ids already stored are returned as they
// are; the rest get the next offsets from the channels row, whose lock serialises publishers per channel.
const APPEND_SQL = `
WITH input AS (
  SELECT t.id, t.data, t.n FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(id, data, n)
), existing AS (
  SELECT m.id, m."offset", m.data::text AS data, m.created_at FROM messages m
  WHERE m.channel = $1 AND m.id = ANY($4::text[])
), fresh AS (
  SELECT i.id, i.data, row_number() OVER (ORDER BY i.n) AS k FROM input i
  WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.id = i.id)
), total AS (
  SELECT count(*)::bigint AS n FROM fresh
), ch AS (
  INSERT INTO channels AS c (name, last_offset, count, last_at)
  SELECT $1, total.n, total.n, date_trunc('milliseconds', clock_timestamp()) FROM total WHERE total.n > 0
  ON CONFLICT (name) DO UPDATE SET
    last_offset = c.last_offset + EXCLUDED.last_offset,
    count = c.count + EXCLUDED.count,
    last_at = GREATEST(EXCLUDED.last_at, c.last_at)
  RETURNING c.last_offset, c.last_at
), ins AS (
  INSERT INTO messages (channel, "offset", id, data, created_at)
  SELECT $1, ch.last_offset - total.n + fresh.k, fresh.id, fresh.data::json, ch.last_at
  FROM fresh CROSS JOIN ch CROSS JOIN total
  RETURNING id, "offset", created_at
)
SELECT ins.id, ins."offset", NULL::text AS data, ins.created_at, false AS replayed FROM ins
UNION ALL
SELECT e.id, e."offset", e.data, e.created_at, true FROM existing e`;

interface Row {
  id: string;
  offset: string;
  data: string | null;
  created_at: Date;
  replayed?: boolean;
}

const toMessage = (r: Row): StoredMessage => ({
  offset: Number(r.offset),
  id: r.id,
  data: r.data ?? 'null',
  ts: r.created_at.getTime(),
});

export class ChannelStore {
  constructor(private readonly db: Database) {}

  /**
   * Appends items in order and returns one result per item, in input order. Ids must be unique within
   * the call. A concurrent insert of the same id elsewhere makes the statement fail as a whole; it is
   * retried and then finds that message as existing.
   */
  async append(channel: string, items: AppendItem[]): Promise<Appended[]> {
    const clientIds = items.filter((i) => i.clientId).map((i) => i.id);
    for (let attempt = 0; ; attempt++) {
      try {
        const { rows } = await this.db.query<Row>(APPEND_SQL, [
          channel,
          items.map((i) => i.id),
          items.map((i) => i.data),
          clientIds,
        ]);
        const byId = new Map(rows.map((r) => [r.id, r]));
        return items.map((item) => {
          const row = byId.get(item.id);
          if (!row) throw new Error(`append returned no row for id ${item.id}`);
          const message = toMessage(row);
          return row.replayed
            ? { ...message, replayed: true }
            : { ...message, data: item.data, replayed: false };
        });
      } catch (err) {
        if ((err as { code?: string }).code !== UNIQUE_VIOLATION || attempt >= 2) throw err;
      }
    }
  }

  /** Messages with since < offset <= upTo (or all after since), in offset order, at most limit. */
  async range(channel: string, since: number, limit: number, upTo?: number): Promise<StoredMessage[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT id, "offset", data::text AS data, created_at FROM messages
       WHERE channel = $1 AND "offset" > $2 AND ($3::bigint IS NULL OR "offset" <= $3)
       ORDER BY "offset" LIMIT $4`,
      [channel, since, upTo ?? null, limit],
    );
    return rows.map(toMessage);
  }

  async info(channel: string): Promise<{ count: number; lastOffset: number }> {
    const { rows } = await this.db.query<{ count: string; last_offset: string }>(
      'SELECT count, last_offset FROM channels WHERE name = $1',
      [channel],
    );
    const row = rows[0];
    return row
      ? { count: Number(row.count), lastOffset: Number(row.last_offset) }
      : { count: 0, lastOffset: 0 };
  }

  async lastOffsets(channels: string[]): Promise<Map<string, number>> {
    if (channels.length === 0) return new Map();
    const { rows } = await this.db.query<{ name: string; last_offset: string }>(
      'SELECT name, last_offset FROM channels WHERE name = ANY($1::text[])',
      [channels],
    );
    return new Map(rows.map((r) => [r.name, Number(r.last_offset)]));
  }

  /**
   * Messages with from <= ts < to. Stored offsets are contiguous (retention only cuts the oldest) and
   * created_at never decreases along them, so the window is an offset range: two index probes, no scan.
   */
  async countBetween(channel: string, from: Date, to: Date): Promise<number> {
    const { rows } = await this.db.query<{ lo: string | null; hi: string | null }>(
      `SELECT
         (SELECT "offset" FROM messages WHERE channel = $1 AND created_at >= $2
          ORDER BY created_at, "offset" LIMIT 1) AS lo,
         (SELECT "offset" FROM messages WHERE channel = $1 AND created_at < $3
          ORDER BY created_at DESC, "offset" DESC LIMIT 1) AS hi`,
      [channel, from, to],
    );
    const { lo, hi } = rows[0] ?? { lo: null, hi: null };
    if (lo === null || hi === null) return 0;
    return Math.max(0, Number(hi) - Number(lo) + 1);
  }
}
