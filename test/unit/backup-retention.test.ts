// Retention on synthetic histories: the documented set (newest per day/ISO week/month, counted over periods
// that have backups, newest always kept), written out as explicit dates rather than recomputed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backupName, parseBackupName } from '../../src/server/backups/catalog.js';
import { bucketKeys, isoWeek, retention } from '../../src/server/backups/retention.js';

const policy = { daily: 7, weekly: 4, monthly: 12, timeZone: 'UTC' };
const at = (iso: string) => ({ name: iso, at: new Date(iso) });

function dailyHistory(from: string, to: string, hour = '03:00:00'): { name: string; at: Date }[] {
  const out = [];
  for (
    let d = new Date(`${from}T${hour}Z`);
    d <= new Date(`${to}T${hour}Z`);
    d = new Date(d.getTime() + 86_400_000)
  ) {
    out.push(at(d.toISOString()));
  }
  return out;
}

const kept = (list: { name: string; at: Date }[], p = policy) =>
  [...retention(list, p).keys()].map((n) => n.slice(0, 10)).sort();

describe('backup retention', () => {
  it('keeps 7 daily, 4 weekly and 12 monthly from 400 days of daily backups', () => {
    const history = dailyHistory('2025-02-08', '2026-03-15');
    assert.equal(history.length, 401);
    const expected = [
      // monthly: the last backup of each of the 12 most recent months (March 2026 is covered by daily)
      '2025-04-30',
      '2025-05-31',
      '2025-06-30',
      '2025-07-31',
      '2025-08-31',
      '2025-09-30',
      '2025-10-31',
      '2025-11-30',
      '2025-12-31',
      '2026-01-31',
      // weekly: Sundays closing the ISO weeks before the current one, and monthly February
      '2026-02-22',
      '2026-02-28',
      '2026-03-01',
      '2026-03-08',
      // daily: the last 7 days
      '2026-03-09',
      '2026-03-10',
      '2026-03-11',
      '2026-03-12',
      '2026-03-13',
      '2026-03-14',
      '2026-03-15',
    ];
    assert.deepEqual(kept(history), expected);
    const reasons = retention(history, policy);
    assert.deepEqual(reasons.get('2026-03-15T03:00:00.000Z'), ['newest', 'daily', 'weekly', 'monthly']);
    assert.deepEqual(reasons.get('2026-02-28T03:00:00.000Z'), ['monthly']);
  });

  it('keeps only the newest backup of a day, week or month', () => {
    const history = [
      at('2026-03-15T01:00:00Z'),
      at('2026-03-15T13:00:00Z'),
      at('2026-03-14T01:00:00Z'),
      at('2026-03-14T23:59:59Z'),
    ];
    const keep = retention(history, { daily: 7, weekly: 0, monthly: 0, timeZone: 'UTC' });
    assert.deepEqual([...keep.keys()].sort(), ['2026-03-14T23:59:59Z', '2026-03-15T13:00:00Z']);
  });

  it('counts periods that have backups, so gaps do not shorten what is kept', () => {
    const history = [1, 4, 7, 10, 13, 16, 19, 22, 25].map((d) =>
      at(`2026-01-${String(d).padStart(2, '0')}T03:00:00Z`),
    );
    assert.deepEqual(kept(history, { daily: 7, weekly: 0, monthly: 0, timeZone: 'UTC' }), [
      '2026-01-07',
      '2026-01-10',
      '2026-01-13',
      '2026-01-16',
      '2026-01-19',
      '2026-01-22',
      '2026-01-25',
    ]);
  });

  it('never drops the newest backup, even with every count at zero', () => {
    const history = dailyHistory('2026-01-01', '2026-01-10');
    assert.deepEqual(kept(history, { daily: 0, weekly: 0, monthly: 0, timeZone: 'UTC' }), ['2026-01-10']);
    assert.deepEqual(kept([], policy), []);
  });

  it('counts days in BACKUP_TIMEZONE', () => {
    // 23:30 UTC on the 14th is already the 15th in Berlin, the same day as the 09:00 UTC backup of the 15th.
    const history = [at('2026-03-14T23:30:00Z'), at('2026-03-15T09:00:00Z'), at('2026-03-14T12:00:00Z')];
    const onlyDaily = { daily: 7, weekly: 0, monthly: 0 };
    assert.deepEqual([...retention(history, { ...onlyDaily, timeZone: 'UTC' }).keys()].sort(), [
      '2026-03-14T23:30:00Z',
      '2026-03-15T09:00:00Z',
    ]);
    assert.deepEqual([...retention(history, { ...onlyDaily, timeZone: 'Europe/Berlin' }).keys()].sort(), [
      '2026-03-14T12:00:00Z',
      '2026-03-15T09:00:00Z',
    ]);
  });

  it('counts weeks and months in BACKUP_TIMEZONE too', () => {
    // Sunday 23:30 UTC is Monday in Berlin (a new ISO week); 31 Jan 23:30 UTC is 1 Feb there.
    const sunday = at('2026-03-15T23:30:00Z');
    const saturday = at('2026-03-14T10:00:00Z');
    const weekly = { daily: 0, weekly: 7, monthly: 0 };
    assert.deepEqual(
      [...retention([sunday, saturday], { ...weekly, timeZone: 'UTC' }).keys()],
      [sunday.name],
    );
    assert.deepEqual(
      [...retention([sunday, saturday], { ...weekly, timeZone: 'Europe/Berlin' }).keys()].sort(),
      [saturday.name, sunday.name].sort(),
    );
    assert.deepEqual(bucketKeys(new Date('2026-01-31T23:30:00Z'), 'Europe/Berlin'), {
      daily: '2026-02-01',
      weekly: '2026-W05',
      monthly: '2026-02',
    });
    assert.deepEqual(bucketKeys(new Date('2026-01-31T23:30:00Z'), 'America/New_York').monthly, '2026-01');
  });

  it('orders backups of the same instant by name, so the choice is stable', () => {
    const when = new Date('2026-03-15T03:00:00Z');
    const same = [
      { name: 'b', at: when },
      { name: 'a', at: when },
    ];
    const keep = retention(same, { daily: 1, weekly: 0, monthly: 0, timeZone: 'UTC' });
    assert.deepEqual([...keep.entries()], [['b', ['newest', 'daily']]]);
    assert.deepEqual(
      [...retention([...same].reverse(), { daily: 1, weekly: 0, monthly: 0, timeZone: 'UTC' })],
      [...keep],
    );
  });

  it('numbers ISO weeks across year boundaries', () => {
    assert.deepEqual(isoWeek(2020, 12, 31), { year: 2020, week: 53 });
    assert.deepEqual(isoWeek(2026, 1, 1), { year: 2026, week: 1 });
    assert.deepEqual(isoWeek(2027, 1, 1), { year: 2026, week: 53 });
    assert.deepEqual(isoWeek(2021, 1, 3), { year: 2020, week: 53 });
    assert.deepEqual(isoWeek(2024, 12, 30), { year: 2025, week: 1 });
    assert.deepEqual(isoWeek(2026, 3, 15), { year: 2026, week: 11 });
    assert.deepEqual(isoWeek(2026, 3, 16), { year: 2026, week: 12 });
  });

  it('round-trips backup names and dates', () => {
    const d = new Date('2026-01-23T02:00:00.123Z');
    assert.equal(backupName(d), '2026-01-23T02-00-00-123Z.dump');
    assert.deepEqual(parseBackupName(backupName(d)), d);
    assert.equal(parseBackupName('2026-01-23.dump'), null);
    assert.equal(parseBackupName('notes.txt'), null);
  });
});
