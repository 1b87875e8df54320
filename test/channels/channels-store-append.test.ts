// The append statements on real PostgreSQL: the common one (server-made ids only, offsets derived by the
// caller) and the general one (client ids, replays) must return exactly what they store, with gapless
// per-channel offsets in input order, also when statements on the same channels run concurrently.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Appended, type ChannelItem, ChannelStore } from '../../src/server/channels/store.js';
import type { Database } from '../../src/server/drivers/database/index.js';
import { silentLogger } from '../../src/server/logger.js';
import { migratedTestDatabase } from '../helpers/app.js';
import { uid } from '../helpers/services.js';
import { range } from '../helpers/ws-client.js';

const log = silentLogger();
const fresh = (channel: string, n: number): ChannelItem[] =>
  Array.from({ length: n }, (_, i) => ({ channel, id: uid(), data: JSON.stringify({ i }), clientId: false }));

describe('ChannelStore.appendMany', () => {
  let db: Database;
  let store: ChannelStore;
  let close: () => Promise<void>;

  before(async () => {
    ({ db, close } = await migratedTestDatabase(log));
    store = new ChannelStore(db);
  });

  after(() => close?.());

  /** What PostgreSQL holds for these ids, by id. */
  async function stored(
    ids: string[],
  ): Promise<Map<string, { channel: string; offset: number; data: string; ts: number }>> {
    const { rows } = await db.query<{
      channel: string;
      id: string;
      offset: string;
      data: string;
      created_at: Date;
    }>(
      'SELECT channel, id, "offset", data::text AS data, created_at FROM messages WHERE id = ANY($1::text[])',
      [ids],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        { channel: r.channel, offset: Number(r.offset), data: r.data, ts: r.created_at.getTime() },
      ]),
    );
  }

  function assertMatches(
    items: ChannelItem[],
    results: Appended[],
    rows: Awaited<ReturnType<typeof stored>>,
  ) {
    assert.equal(results.length, items.length);
    items.forEach((item, k) => {
      const r = results[k] as Appended;
      const row = rows.get(item.id);
      assert.ok(row, `item ${k} stored`);
      assert.deepEqual(
        { channel: row.channel, offset: row.offset, data: row.data, ts: row.ts },
        { channel: item.channel, offset: r.offset, data: r.data, ts: r.ts },
      );
    });
  }

  test('interleaved channels in one statement take gapless offsets in input order, after what is stored', async () => {
    const [a, b, c] = [`ap-a-${uid()}`, `ap-b-${uid()}`, `ap-c-${uid()}`];
    await store.appendMany(fresh(a, 3));
    const items = [a, b, a, c, b, a, a, c].map((ch, i) => ({
      ...fresh(ch, 1)[0]!,
      data: JSON.stringify({ i }),
    }));
    const results = await store.appendMany(items);
    assert.deepEqual(
      results.map((r) => r.offset),
      [4, 1, 5, 1, 2, 6, 7, 2],
    );
    assert.ok(results.every((r) => !r.replayed));
    assertMatches(items, results, await stored(items.map((i) => i.id)));
    const { rows } = await db.query<{ name: string; last_offset: string; count: string }>(
      'SELECT name, last_offset, count FROM channels WHERE name = ANY($1::text[]) ORDER BY name',
      [[a, b, c]],
    );
    assert.deepEqual(
      rows.map((r) => [r.name, Number(r.last_offset), Number(r.count)]),
      [
        [a, 7, 7],
        [b, 2, 2],
        [c, 2, 2],
      ],
    );
  });

  test('client ids: a stored id is a replay of the original, the others continue the offsets', async () => {
    const channel = `ap-id-${uid()}`;
    const [first] = await store.appendMany([{ channel, id: 'known', data: '{"v":1}', clientId: true }]);
    const items: ChannelItem[] = [
      ...fresh(channel, 1),
      { channel, id: 'known', data: '{"v":2}', clientId: true },
      { channel, id: 'new-one', data: '{"v":3}', clientId: true },
      ...fresh(channel, 1),
    ];
    const results = await store.appendMany(items);
    assert.deepEqual(
      results.map((r) => [r.offset, r.replayed]),
      [
        [2, false],
        [first!.offset, true],
        [3, false],
        [4, false],
      ],
    );
    assert.equal(results[1]!.data, '{"v":1}', 'the replay returns the original data');
  });

  test('concurrent statements on the same channels: every offset once, gapless, in each statement order', async () => {
    const channels = [`ap-x-${uid()}`, `ap-y-${uid()}`];
    const statements = range(1, 8).map((s) =>
      range(1, 20).map((i) => ({ ...fresh(channels[i % 2]!, 1)[0]!, data: JSON.stringify({ s, i }) })),
    );
    const results = await Promise.all(statements.map((items) => store.appendMany(items)));
    for (const channel of channels) {
      const offsets = results.flatMap((rs, s) =>
        rs.filter((_r, i) => statements[s]![i]!.channel === channel).map((r) => r.offset),
      );
      assert.deepEqual(
        [...offsets].sort((x, y) => x - y),
        range(1, 80),
        `${channel}: each offset once`,
      );
      for (const [s, rs] of results.entries()) {
        const mine = rs.filter((_r, i) => statements[s]![i]!.channel === channel).map((r) => r.offset);
        assert.deepEqual(
          mine,
          [...mine].sort((x, y) => x - y),
          'input order within a statement',
        );
      }
    }
    const all = statements.flat();
    assertMatches(all, results.flat(), await stored(all.map((i) => i.id)));
  });
});
