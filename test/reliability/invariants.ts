// The invariants checked after each scenario, computed from what PostgreSQL stored and what the publisher
// and the subscribers recorded: acknowledged ids stored once at their offset, no offset hole, every live
// subscriber got every offset once and in order or was told, every error retryable with the same id.
import type pg from 'pg';
import { isRetryable, type LoadPublisher } from './publisher.js';
import type { LoadSubscriber } from './subscriber.js';

/** docs/protocol.md (Errors): these answers say when to retry. nginx's own 502/504 pages are not the server's. */
function promisesHint(status: number, code: string): boolean {
  if (status === 0) return code === 'unavailable' || code === 'rate_limited';
  return (status === 503 || status === 429) && code !== 'non_json';
}

export interface StoreFacts {
  /** Per channel: offset -> id, and the channels row's last_offset and count. */
  rows: Map<string, Map<number, string>>;
  lastOffsets: Map<string, number>;
  counts: Map<string, number>;
}

export async function readStore(db: pg.Pool, channels: string[]): Promise<StoreFacts> {
  const facts: StoreFacts = { rows: new Map(), lastOffsets: new Map(), counts: new Map() };
  for (const c of channels) {
    facts.rows.set(c, new Map());
    facts.lastOffsets.set(c, 0);
    facts.counts.set(c, 0);
  }
  const msgs = await db.query<{ channel: string; offset: string; id: string }>(
    'SELECT channel, "offset", id FROM messages WHERE channel = ANY($1) ORDER BY channel, "offset"',
    [channels],
  );
  for (const m of msgs.rows) facts.rows.get(m.channel)?.set(Number(m.offset), m.id);
  const chans = await db.query<{ name: string; last_offset: string; count: string }>(
    'SELECT name, last_offset, count FROM channels WHERE name = ANY($1)',
    [channels],
  );
  for (const c of chans.rows) {
    facts.lastOffsets.set(c.name, Number(c.last_offset));
    facts.counts.set(c.name, Number(c.count));
  }
  return facts;
}

export interface Figures {
  published: number;
  acknowledged: number;
  stored: number;
  /** Acknowledged ids missing from the store, or stored at another offset than acknowledged. */
  lost: number;
  /** Ids stored more than once, or acknowledged with two different offsets. */
  duplicates: number;
  /** Offsets missing between 1 and last_offset, plus channels whose count disagrees. */
  holes: number;
  unresolved: number;
  /** Messages that were to publish but were not (the publisher's in-flight cap was reached). */
  skipped: number;
  subscribers: number;
  /** Message frames the subscribers received, all channels. */
  delivered: number;
  silentHoles: number;
  subscriberDuplicates: number;
  outOfOrder: number;
  told: number;
  toldEvents: number;
  /** Error answers by kind (`503 unavailable`, `ws publish_failed`, `timeout`, ...). */
  errors: Record<string, number>;
  nonRetryable: number;
  /** Slowest attempt that got an answer (ack or error), and attempts with none within the client's 6 s. */
  slowestAnswerMs: number;
  unanswered: number;
  /** 503/429 answers without Retry-After, `unavailable`/`rate_limited` frames without retryAfterMs. */
  missingRetryHint: number;
  /** 5xx answers to publishes and to subscribers' upgrades. */
  http5xx: number;
  /** Error frames the subscribers got (refused subscribes and the like), by code. */
  subscriberErrors: Record<string, number>;
  anomalies: string[];
}

export function computeFigures(store: StoreFacts, pub: LoadPublisher, subs: LoadSubscriber[]): Figures {
  const f: Figures = {
    published: pub.records.size,
    acknowledged: 0,
    stored: 0,
    lost: 0,
    duplicates: 0,
    holes: 0,
    unresolved: 0,
    skipped: pub.skipped,
    subscribers: subs.length,
    delivered: 0,
    silentHoles: 0,
    subscriberDuplicates: 0,
    outOfOrder: 0,
    told: 0,
    toldEvents: 0,
    errors: {},
    nonRetryable: 0,
    slowestAnswerMs: 0,
    unanswered: 0,
    missingRetryHint: 0,
    http5xx: 0,
    subscriberErrors: {},
    anomalies: [],
  };
  const where = new Map<string, number[]>();
  for (const [channel, rows] of store.rows) {
    f.stored += rows.size;
    const last = store.lastOffsets.get(channel) ?? 0;
    for (let o = 1; o <= last; o++) if (!rows.has(o)) f.holes++;
    if (store.counts.get(channel) !== rows.size) f.anomalies.push(`${channel}: count differs from rows`);
    for (const [offset, id] of rows)
      where.set(`${channel}\n${id}`, [...(where.get(`${channel}\n${id}`) ?? []), offset]);
  }
  for (const offsets of where.values()) if (offsets.length > 1) f.duplicates++;
  for (const r of pub.records.values()) {
    for (const { outcome: o, ms } of r.attempts) {
      if (o.kind !== 'unknown') f.slowestAnswerMs = Math.max(f.slowestAnswerMs, ms);
      else if (o.reason === 'timeout') f.unanswered++;
      if (o.kind === 'ack') continue;
      const kind =
        o.kind === 'unknown' ? o.reason : o.status === 0 ? `ws ${o.code}` : `${o.status} ${o.code}`;
      f.errors[kind] = (f.errors[kind] ?? 0) + 1;
      if (o.kind === 'error' && o.status >= 500) f.http5xx++;
      if (!isRetryable(o)) f.nonRetryable++;
      if (o.kind === 'error' && !o.retryAfter && promisesHint(o.status, o.code)) f.missingRetryHint++;
    }
    if (r.acked.size === 0) {
      f.unresolved++;
      continue;
    }
    f.acknowledged++;
    if (r.acked.size > 1) f.duplicates++;
    const stored = where.get(`${r.channel}\n${r.id}`) ?? [];
    if (stored.length === 0 || !r.acked.has(stored[0] as number)) f.lost++;
  }
  for (const s of subs) {
    for (const [status, n] of Object.entries(s.stats.refusedUpgrades))
      if (Number(status) >= 500) f.http5xx += n;
    for (const [code, n] of Object.entries(s.stats.errorFrames))
      f.subscriberErrors[code] = (f.subscriberErrors[code] ?? 0) + n;
    for (const [channel, ledger] of s.ledgers) {
      const c = ledger.settle(store.lastOffsets.get(channel) ?? 0);
      f.silentHoles += c.silent;
      f.delivered += c.received;
      f.subscriberDuplicates += c.duplicates;
      f.outOfOrder += c.outOfOrder;
      f.told += c.told;
      f.toldEvents += c.toldEvents;
      for (const a of c.anomalies) f.anomalies.push(`${s.name} ${channel}: ${a}`);
    }
  }
  return f;
}
