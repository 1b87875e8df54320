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

/** An item of a statement that may span channels (group commit). */
export interface ChannelItem extends AppendItem {
  channel: string;
}

export interface Appended extends StoredMessage {
  /** The id existed already: this is the original message, nothing new was written. */
  replayed: boolean;
}

const UNIQUE_VIOLATION = '23505';
/** Two replicas' statements locked the same channels rows in different orders; PostgreSQL aborted one. */
const DEADLOCK = '40P01';

/**
 * Adds n to each channel's counters from `counts` (rows t(channel, n)) and returns the new last offsets.
 * Rows are locked in name order, so statements of several replicas on the same channels do not deadlock.
 */
const bumpChannels = (counts: string) => `
  INSERT INTO channels AS c (name, last_offset, count, last_at)
  SELECT t.channel, t.n, t.n, date_trunc('milliseconds', clock_timestamp()) FROM ${counts} ORDER BY t.channel
  ON CONFLICT (name) DO UPDATE SET
    last_offset = c.last_offset + EXCLUDED.last_offset,
    count = c.count + EXCLUDED.count,
    last_at = GREATEST(EXCLUDED.last_at, c.last_at)
  RETURNING c.name, c.last_offset, c.last_at
`;

// One statement, so one implicit transaction and one round trip, for items of any number of channels: ids
// already stored are returned as they are; the rest of each channel get its next offsets from the channel's
// row, whose lock serialises publishers per channel (rows are locked in name order, so statements of several
// replicas do not deadlock). Rows come back with their input position (n), so results match items as
// PostgreSQL saw them.
const APPEND_SQL = `
WITH input AS (
  SELECT t.channel, t.id, t.data, t.n
  FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(channel, id, data, n)
), existing AS (
  SELECT m.channel, m.id, m."offset", m.data::text AS data, m.created_at
  FROM unnest($4::text[], $5::text[]) AS c(channel, id)
  JOIN messages m ON m.channel = c.channel AND m.id = c.id
), fresh AS (
  SELECT i.channel, i.id, i.data, row_number() OVER (PARTITION BY i.channel ORDER BY i.n) AS k FROM input i
  WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.channel = i.channel AND e.id = i.id)
), total AS (
  SELECT f.channel, count(*)::bigint AS n FROM fresh f GROUP BY f.channel
), ch AS (${bumpChannels('total t')}), ins AS (
  INSERT INTO messages (channel, "offset", id, data, created_at)
  SELECT f.channel, ch.last_offset - t.n + f.k, f.id, f.data::json, ch.last_at
  FROM fresh f JOIN ch ON ch.name = f.channel JOIN total t ON t.channel = f.channel
  RETURNING channel, id, "offset", created_at
)
SELECT i.n, ins.id, ins."offset", NULL::text AS data, ins.created_at, false AS replayed
FROM ins JOIN input i ON i.channel = ins.channel AND i.id = ins.id
UNION ALL
SELECT i.n, e.id, e."offset", e.data, e.created_at, true
FROM existing e JOIN input i ON i.channel = e.channel AND i.id = e.id`;

// The common statement: no item carries a client id, so none can exist already and the caller knows each
// item's place in its channel (k) and each channel's count (n). It returns one row per channel, and the
// caller derives each offset as last_offset - n + k, as the insert does. About a quarter less work for
// PostgreSQL than APPEND_SQL, which finds replays and numbers the items itself.
const APPEND_FRESH_SQL = `
WITH ch AS (${bumpChannels('unnest($4::text[], $5::bigint[]) AS t(channel, n)')}), ins AS (
  INSERT INTO messages (channel, "offset", id, data, created_at)
  SELECT i.channel, ch.last_offset - t.n + i.k, i.id, i.data::json, ch.last_at
  FROM unnest($1::text[], $2::text[], $3::text[], $6::bigint[]) AS i(channel, id, data, k)
  JOIN unnest($4::text[], $5::bigint[]) AS t(channel, n) ON t.channel = i.channel
  JOIN ch ON ch.name = i.channel
)
SELECT name, last_offset, last_at FROM ch`;

interface ChannelRow {
  name: string;
  last_offset: string;
  last_at: Date;
}

interface Row {
  id: string;
  offset: string;
  data: string | null;
  created_at: Date;
  replayed?: boolean;
}

/** One page of a gap fill and the channel's retention floor, both from the same snapshot. */
export interface FillPage {
  /** Stored messages after `since`, in offset order. */
  messages: StoredMessage[];
  /**
   * The lowest offset still stored (lastOffset + 1 when none is). Every lower offset was committed before
   * it and is deleted: the one proof the fan-out may skip offsets on.
   */
  floor: number;
}

// One statement, so one snapshot: the floor and the page cannot disagree about what retention deleted.
// The outer join keeps one row (with a null offset) when the page is empty.
const FILL_SQL = `
WITH page AS (
  SELECT id, "offset", data::text AS data, created_at FROM messages
  WHERE channel = $1 AND "offset" > $2 ORDER BY "offset" LIMIT $3
)
SELECT COALESCE(
         (SELECT min("offset") FROM messages WHERE channel = $1),
         (SELECT last_offset + 1 FROM channels WHERE name = $1),
         1) AS floor,
       p.id, p."offset", p.data, p.created_at
FROM (SELECT 1) AS one LEFT JOIN page p ON true
ORDER BY p."offset"`;

interface FillRow {
  floor: string;
  id: string | null;
  offset: string | null;
  data: string | null;
  created_at: Date | null;
}

const toMessage = (r: Row): StoredMessage => ({
  offset: Number(r.offset),
  id: r.id,
  data: r.data ?? 'null',
  ts: r.created_at.getTime(),
});

export class ChannelStore {
  constructor(private readonly db: Database) {}

  /** Appends items of one channel in order; see appendMany. */
  append(channel: string, items: AppendItem[]): Promise<Appended[]> {
    return this.appendMany(items.map((i) => ({ ...i, channel })));
  }

  /**
   * Appends items of any channels in one statement and returns one result per item, in input order; each
   * channel's items take its next offsets in input order. (channel, id) pairs must be unique within the
   * call. A concurrent insert of the same id elsewhere makes the statement fail as a whole; it is retried
   * and then finds that message as existing.
   */
  async appendMany(items: ChannelItem[]): Promise<Appended[]> {
    const clients = items.filter((i) => i.clientId);
    if (clients.length === 0) return this.#retrying(() => this.#appendFresh(items));
    return this.#retrying(() => this.#appendAny(items, clients));
  }

  /** Server-made ids only: nothing to look up, offsets follow from each channel's new last offset. */
  async #appendFresh(items: ChannelItem[]): Promise<Appended[]> {
    const counts = new Map<string, number>();
    const places = items.map((i) => {
      const k = (counts.get(i.channel) ?? 0) + 1;
      counts.set(i.channel, k);
      return k;
    });
    const { rows } = await this.db.query<ChannelRow>(
      APPEND_FRESH_SQL,
      [
        items.map((i) => i.channel),
        items.map((i) => i.id),
        items.map((i) => i.data),
        [...counts.keys()],
        [...counts.values()],
        places,
      ],
      { name: 'paasport_append_fresh' },
    );
    const last = new Map(rows.map((r) => [r.name, r]));
    return items.map((item, k) => {
      const row = last.get(item.channel);
      if (!row) throw new Error(`append returned no row for channel ${item.channel}`);
      const offset = Number(row.last_offset) - (counts.get(item.channel) as number) + (places[k] as number);
      return { offset, id: item.id, data: item.data, ts: row.last_at.getTime(), replayed: false };
    });
  }

  /** A statement that failed only because another statement raced it is run again (twice at most). */
  async #retrying(run: () => Promise<Appended[]>): Promise<Appended[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        const code = (err as { code?: string }).code;
        if ((code !== UNIQUE_VIOLATION && code !== DEADLOCK) || attempt >= 2) throw err;
      }
    }
  }

  /** Any items: ids already stored come back as replays, the rest get their channel's next offsets. */
  async #appendAny(items: ChannelItem[], clients: ChannelItem[]): Promise<Appended[]> {
    const { rows } = await this.db.query<Row & { n: string }>(
      APPEND_SQL,
      [
        items.map((i) => i.channel),
        items.map((i) => i.id),
        items.map((i) => i.data),
        clients.map((i) => i.channel),
        clients.map((i) => i.id),
      ],
      // Planning this statement cost PostgreSQL more than running it for a batch of twenty.
      { name: 'paasport_append' },
    );
    const byPosition = new Map(rows.map((r) => [Number(r.n), r]));
    return items.map((item, k) => {
      const row = byPosition.get(k + 1);
      if (!row) throw new Error(`append returned no row for item ${k + 1} of ${items.length}`);
      const message = toMessage(row);
      return row.replayed ? { ...message, replayed: true } : { ...message, data: item.data, replayed: false };
    });
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

  /** Messages after since (at most limit) with the retention floor, read in one snapshot. */
  async fillPage(channel: string, since: number, limit: number): Promise<FillPage> {
    const { rows } = await this.db.query<FillRow>(FILL_SQL, [channel, since, limit]);
    const messages: StoredMessage[] = [];
    for (const r of rows) {
      if (r.offset !== null && r.id !== null && r.created_at !== null) {
        messages.push(toMessage({ id: r.id, offset: r.offset, data: r.data, created_at: r.created_at }));
      }
    }
    return { messages, floor: Number(rows[0]?.floor ?? 1) };
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
