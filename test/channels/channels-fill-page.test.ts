// The gap fill's read on real PostgreSQL: a page of messages with the channel's retention floor, and the two
// agreeing (one snapshot) even while publishers append and retention prunes concurrently.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pruneOnce } from '../../src/server/channels/retention.js';
import { ChannelStore, type FillPage } from '../../src/server/channels/store.js';
import type { Database } from '../../src/server/drivers/database/index.js';
import { silentLogger } from '../../src/server/logger.js';
import { migratedTestDatabase } from '../helpers/app.js';
import { uid } from '../helpers/services.js';
import { range } from '../helpers/ws-client.js';

const log = silentLogger();
const items = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: uid(), data: JSON.stringify({ i }), clientId: false }));
const offsetsOf = (page: FillPage) => page.messages.map((m) => m.offset);

describe('ChannelStore.fillPage', () => {
  let db: Database;
  let store: ChannelStore;
  let close: () => Promise<void>;

  before(async () => {
    ({ db, close } = await migratedTestDatabase(log));
    store = new ChannelStore(db);
  });

  after(() => close?.());

  test('an unknown channel has floor 1 and nothing stored', async () => {
    assert.deepEqual(await store.fillPage(`none-${uid()}`, 0, 10), { messages: [], floor: 1 });
  });

  test('pages after since; the floor rises with retention, past the last offset once all is deleted', async () => {
    const channel = `fp-${uid()}`;
    await store.append(channel, items(10));
    const page = await store.fillPage(channel, 3, 4);
    assert.deepEqual([offsetsOf(page), page.floor], [[4, 5, 6, 7], 1]);
    assert.equal(page.messages[0]?.data, '{"i":3}');

    await pruneOnce(db, { maxAgeMs: 0, maxMessages: 4 }, log);
    const pruned = await store.fillPage(channel, 0, 100);
    assert.deepEqual([offsetsOf(pruned), pruned.floor], [[7, 8, 9, 10], 7]);

    await db.query('DELETE FROM messages WHERE channel = $1', [channel]);
    assert.deepEqual(await store.fillPage(channel, 0, 100), { messages: [], floor: 11 });
  });

  test('page and floor come from one snapshot while appends and retention run concurrently', async () => {
    const channel = `fs-${uid()}`;
    await store.append(channel, items(50));
    let stop = false;
    const writer = (async () => {
      for (let round = 0; round < 400 && !stop; round++) {
        await store.append(channel, items(5));
        await pruneOnce(db, { maxAgeMs: 0, maxMessages: 20 }, log);
      }
    })();
    const problems: string[] = [];
    for (let read = 0; read < 300; read++) {
      const since = read % 60;
      const page = await store.fillPage(channel, since, 30);
      const got = offsetsOf(page);
      // Stored offsets are contiguous from the floor: the page starts at max(since + 1, floor), no holes.
      const first = Math.max(since + 1, page.floor);
      if (got.length > 0 && got.join() !== range(first, first + got.length - 1).join()) {
        problems.push(`since ${since}, floor ${page.floor}: ${got.join(',')}`);
      }
    }
    stop = true;
    await writer;
    assert.deepEqual(problems, []);
  });
});
