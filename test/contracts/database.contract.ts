// The Database interface docs as a test suite, run against every implementation: parameterised queries,
// transactions that commit or roll back whole on one connection, a URL other tools can use, ping and close.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Database } from '../../src/server/drivers/database/index.js';

export interface DatabaseHarness {
  db: Database;
  cleanup?: () => Promise<void>;
}

export function databaseContract(name: string, factory: () => Promise<DatabaseHarness>): void {
  describe(`database contract: ${name}`, () => {
    let h: DatabaseHarness;
    let closed = false;

    before(async () => {
      h = await factory();
      await h.db.query('CREATE TABLE contract_items (id int PRIMARY KEY, label text NOT NULL)');
    });
    after(async () => {
      if (!closed) await h?.db.close();
      await h?.cleanup?.();
    });

    const labels = async () =>
      (await h.db.query<{ label: string }>('SELECT label FROM contract_items ORDER BY id')).rows.map(
        (r) => r.label,
      );

    it('runs parameterised queries and returns typed rows', async () => {
      await h.db.query('INSERT INTO contract_items (id, label) VALUES ($1, $2), ($3, $4)', [1, 'a', 2, 'b']);
      const res = await h.db.query<{ n: number; s: string }>('SELECT $1::int + 1 AS n, $2::text AS s', [
        41,
        'x',
      ]);
      assert.deepEqual(res.rows, [{ n: 42, s: 'x' }]);
      assert.deepEqual(await labels(), ['a', 'b']);
    });

    it('runs a named (prepared) statement again and again with new parameters', async () => {
      const sql = 'SELECT $1::int * 2 AS n, $2::text[] AS a';
      for (const n of [1, 2, 3, 4, 5, 6, 7]) {
        const res = await h.db.query<{ n: number; a: string[] }>(sql, [n, [`x${n}`, 'y"z']], {
          name: 'contract_double',
        });
        assert.deepEqual(res.rows, [{ n: n * 2, a: [`x${n}`, 'y"z'] }]);
      }
    });

    it('rejects invalid SQL with the server error', async () => {
      await assert.rejects(h.db.query('SELECT * FROM no_such_table'), /no_such_table/);
      await assert.rejects(h.db.query('INSERT INTO contract_items (id, label) VALUES (1, $1)', ['dup']), {
        code: '23505',
      });
    });

    it('commits a transaction and returns its result', async () => {
      const result = await h.db.transaction(async (client) => {
        await client.query("INSERT INTO contract_items (id, label) VALUES (10, 'committed')");
        return (await client.query<{ n: string }>('SELECT count(*) AS n FROM contract_items')).rows[0]?.n;
      });
      assert.equal(Number(result), 3);
      assert.ok((await labels()).includes('committed'));
    });

    it('rolls a transaction back whole when fn throws, and rethrows the error', async () => {
      const boom = new Error('boom');
      await assert.rejects(
        h.db.transaction(async (client) => {
          await client.query("INSERT INTO contract_items (id, label) VALUES (20, 'first')");
          await client.query("UPDATE contract_items SET label = 'changed' WHERE id = 1");
          throw boom;
        }),
        (err) => err === boom,
      );
      const rows = await labels();
      assert.ok(!rows.includes('first') && !rows.includes('changed'), rows.join());
    });

    it('runs a transaction on one connection, inside one transaction', async () => {
      const seen = await h.db.transaction(async (client) => {
        // A transaction-local setting is visible only to later statements of the same transaction.
        await client.query("SELECT set_config('contract.marker', 'inside', true)");
        await client.query("INSERT INTO contract_items (id, label) VALUES (30, 'pending')");
        const res = await client.query<{ v: string }>("SELECT current_setting('contract.marker', true) AS v");
        return res.rows[0]?.v;
      });
      assert.equal(seen, 'inside');
      const after = await h.db.query<{ v: string | null }>(
        "SELECT current_setting('contract.marker', true) AS v",
      );
      assert.ok(!after.rows[0]?.v, 'the setting ended with the transaction');
      assert.ok((await labels()).includes('pending'));
    });

    it('keeps working after a failed statement inside a rolled-back transaction', async () => {
      await assert.rejects(h.db.transaction((client) => client.query('SELECT * FROM no_such_table')));
      assert.equal((await h.db.query('SELECT 1 AS one')).rows[0]?.one, 1);
    });

    it('exposes a URL that reaches the same database from another client', async () => {
      const client = new pg.Client({ connectionString: h.db.url });
      await client.connect();
      try {
        const res = await client.query<{ label: string }>('SELECT label FROM contract_items WHERE id = 1');
        assert.equal(res.rows[0]?.label, 'a');
      } finally {
        await client.end();
      }
    });

    // Last: it closes the database the other tests share.
    it('answers ping while open, and rejects queries and ping after close', async () => {
      await h.db.ping();
      closed = true;
      await h.db.close();
      await assert.rejects(h.db.ping());
      await assert.rejects(h.db.query('SELECT 1'));
    });
  });
}
