// Backups against real PostgreSQL and MinIO through the `paasport` CLI: backup, lose the data, restore,
// compare; refusal of non-empty targets without --force; damaged dumps; pruning of a synthetic history in
// the bucket; and the claim that lets exactly one replica run a scheduled backup.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { runBackup } from '../../src/server/backups/backup.js';
import { BACKUP_PREFIX, backupName, listBackups } from '../../src/server/backups/catalog.js';
import { retention } from '../../src/server/backups/retention.js';
import { runScheduled } from '../../src/server/backups/scheduler.js';
import { loadConfig } from '../../src/server/config/load.js';
import { migrate } from '../../src/server/db/migrate.js';
import { createDatabase } from '../../src/server/drivers/database/index.js';
import { createObjectStore, type ObjectStore } from '../../src/server/drivers/object-store/index.js';
import { silentLogger } from '../../src/server/logger.js';
import { runCli as cli, createTestDatabase, startS3, uid } from '../helpers/services.js';

async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}

/** Content fingerprint of the tables that matter, plus where the sequence stands. */
async function snapshot(url: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of ['notes', 'files', 'pgmigrations']) {
    const [row] = await sql<{ h: string; n: number }>(
      url,
      `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h, count(*)::int AS n FROM ${table} t`,
    );
    out[table] = `${row!.n}:${row!.h}`;
  }
  const [seq] = await sql<{ last_value: string }>(url, 'SELECT last_value FROM notes_id_seq');
  out.sequence = seq!.last_value;
  return out;
}

describe('backups', () => {
  let s3: Awaited<ReturnType<typeof startS3>>;
  let source: Awaited<ReturnType<typeof createTestDatabase>>;
  const targets: Awaited<ReturnType<typeof createTestDatabase>>[] = [];
  let env: Record<string, string>;
  let store: ObjectStore;
  let before1: Record<string, string>;

  before(async () => {
    s3 = await startS3();
    source = await createTestDatabase();
    env = {
      DATABASE_URL: source.url,
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY: s3.accessKey,
      S3_SECRET_KEY: s3.secretKey,
      S3_BUCKET: `backups-${uid(4)}`,
    };
    const config = loadConfig(env);
    store = await createObjectStore(config.storage, silentLogger());
    const migrated = await cli(['migrate'], env);
    assert.equal(migrated.code, 0, migrated.out);
    await sql(
      source.url,
      `CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL, blob bytea, meta jsonb, at timestamptz DEFAULT now());
       INSERT INTO notes (body, blob, meta)
         SELECT repeat('note ' || g, 1 + g % 50), decode(md5(g::text), 'hex'), jsonb_build_object('g', g, 'odd', g % 2 = 1)
         FROM generate_series(1, 5000) g;
       INSERT INTO files (id, name, content_type, size, sha256, owner, status)
         VALUES ('AAAAAAAAAAAAAAAAAAAAAA', 'a.txt', 'text/plain', 1, repeat('0', 64), 'alice', 'ready');`,
    );
    before1 = await snapshot(source.url);
  });

  after(async () => {
    await store?.close();
    for (const t of targets) await t.drop();
    await source?.drop();
    await s3?.stop();
  });

  let name: string;

  it('backs up with `paasport backup` and lists the backup with its checksum', async () => {
    const res = await cli(['backup'], env);
    assert.equal(res.code, 0, res.out);
    const m = /created (\S+\.dump) \((\d+) bytes, sha256 ([0-9a-f]{64})\)/.exec(res.out);
    assert.ok(m, res.out);
    name = m[1]!;
    const info = await store.stat(`${BACKUP_PREFIX}${name}`);
    assert.equal(info?.size, Number(m[2]));
    const list = await cli(['backup', 'list'], env);
    assert.equal(list.code, 0, list.out);
    assert.match(list.out, new RegExp(`${name.replace(/\./g, '\\.')} .* sha256 .*newest`));
  });

  it('restores into an empty database with the same data', async () => {
    // The disaster: the data are gone; a fresh, empty database takes their place.
    await sql(source.url, 'DROP TABLE notes; DELETE FROM files;');
    const empty = await createTestDatabase();
    targets.push(empty);
    const res = await cli(['restore', name], { ...env, DATABASE_URL: empty.url });
    assert.equal(res.code, 0, res.out);
    assert.match(res.out, /checksum verified/);
    assert.deepEqual(await snapshot(empty.url), before1);
    const [next] = await sql<{ id: number }>(
      empty.url,
      `INSERT INTO notes (body) VALUES ('after') RETURNING id`,
    );
    assert.equal(next!.id, 5001);
  });

  it('refuses a non-empty database without --force, and overwrites with it', async () => {
    const target = targets[0]!;
    await sql(
      target.url,
      `UPDATE notes SET body = 'changed' WHERE id <= 10; DELETE FROM notes WHERE id = 5001;`,
    );
    const changed = await snapshot(target.url);
    const refused = await cli(['restore', name], { ...env, DATABASE_URL: target.url });
    assert.equal(refused.code, 3, refused.out);
    assert.match(refused.out, /not empty/);
    assert.deepEqual(await snapshot(target.url), changed);
    const forced = await cli(['restore', name, '--force'], { ...env, DATABASE_URL: target.url });
    assert.equal(forced.code, 0, forced.out);
    const restored = await snapshot(target.url);
    assert.deepEqual(restored, before1);
  });

  it('refuses a backup that does not match its checksum, before touching the database', async () => {
    const key = `${BACKUP_PREFIX}${name}`;
    const original = (await store.get(`${key}.sha256`)).body;
    let text = '';
    for await (const c of original) text += c.toString();
    await store.put(`${key}.sha256`, Readable.from([`${'f'.repeat(64)}  ${name}\n`]));
    const empty = await createTestDatabase();
    targets.push(empty);
    const res = await cli(['restore', name], { ...env, DATABASE_URL: empty.url });
    assert.equal(res.code, 1, res.out);
    assert.match(res.out, /damaged/);
    assert.equal((await sql(empty.url, `SELECT 1 FROM pg_tables WHERE schemaname = 'public'`)).length, 0);
    await store.put(`${key}.sha256`, Readable.from([text]));
    const missing = await cli(['restore', '2001-01-01T00-00-00-000Z.dump'], {
      ...env,
      DATABASE_URL: empty.url,
    });
    assert.equal(missing.code, 1);
    assert.match(missing.out, /no backup named/);
  });

  it('stores nothing when pg_dump fails', async () => {
    const beforeList = await listBackups(store);
    const bad = new URL(source.url);
    bad.pathname = `/missing_${uid()}`;
    await assert.rejects(runBackup({ databaseUrl: bad.toString(), store }), /pg_dump failed/);
    assert.deepEqual(await listBackups(store), beforeList);
  });

  it('prunes a synthetic history to exactly the retention set, never the newest, ignoring other keys', async () => {
    const synthetic: Date[] = [];
    for (let d = 0; d < 400; d++) synthetic.push(new Date(Date.UTC(2025, 0, 1, 3) + d * 86_400_000));
    for (const at of synthetic) {
      const key = BACKUP_PREFIX + backupName(at);
      await store.put(key, Readable.from([Buffer.from('dump')]));
      await store.put(`${key}.sha256`, Readable.from([Buffer.from('sum')]));
    }
    await store.put(`${BACKUP_PREFIX}README.txt`, Readable.from([Buffer.from('operator notes')]));
    const all = await listBackups(store);
    const policy = { daily: 7, weekly: 4, monthly: 12, timeZone: 'UTC' };
    const expected = [...retention(all, policy).keys()].sort();
    assert.ok(expected.includes(name), 'the real backup is the newest and must be kept');
    assert.ok(expected.length < all.length / 10, `${expected.length} of ${all.length} kept`);

    const res = await cli(['backup', 'prune'], env);
    assert.equal(res.code, 0, res.out);
    const remaining = (await listBackups(store)).map((b) => b.name).sort();
    assert.deepEqual(remaining, expected);
    const keys = (await store.list(BACKUP_PREFIX)).map((o) => o.key);
    assert.ok(keys.includes(`${BACKUP_PREFIX}README.txt`));
    assert.equal(keys.filter((k) => k.endsWith('.sha256')).length, expected.length);
  });

  it('runs a scheduled backup on exactly one of two replicas', async () => {
    const config = loadConfig(env);
    const [a, b] = await Promise.all([
      createDatabase(config.database, silentLogger()),
      createDatabase(config.database, silentLogger()),
    ]);
    await migrate(a, silentLogger());
    try {
      const countBefore = (await listBackups(store)).length;
      const scheduledAt = new Date(Date.UTC(2030, 0, 1, 3));
      const policy = { daily: 100, weekly: 0, monthly: 0, timeZone: 'UTC' };
      const results = await Promise.all(
        [a, b].map((db, i) =>
          runScheduled(scheduledAt, { db, store, policy, replica: `r${i}`, log: silentLogger() }),
        ),
      );
      assert.deepEqual([...results].sort(), ['ran', 'skipped']);
      const runs = await a.query<{ status: string; name: string }>(
        `SELECT status, name FROM backup_runs WHERE scheduled_at = $1`,
        [scheduledAt],
      );
      assert.equal(runs.rows.length, 1);
      const run = runs.rows[0]!;
      assert.equal(run.status, 'succeeded');
      // The new dump exists (it may replace an older backup of the same day under retention).
      const names = (await listBackups(store)).map((e) => e.name);
      assert.ok(names.includes(run.name), `${run.name} not in ${names.join(' ')}`);
      assert.ok(names.length <= countBefore + 1);
      assert.equal(
        await runScheduled(scheduledAt, { db: b, store, policy, replica: 'late', log: silentLogger() }),
        'skipped',
      );
    } finally {
      await a.close();
      await b.close();
    }
  });
});
