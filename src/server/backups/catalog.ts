// Backups in object storage: `backups/<UTC timestamp>.dump` (pg_dump custom format) next to
// `<same>.sha256` (sha256sum format). Names sort chronologically; other keys under backups/ are ignored,
// never pruned.
import type { ObjectStore } from '../drivers/object-store/index.js';
import { type KeepReason, type RetentionPolicy, retention } from './retention.js';

export const BACKUP_PREFIX = 'backups/';
const NAME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z\.dump$/;

export interface BackupEntry {
  name: string;
  key: string;
  at: Date;
  size: number;
  /** Whether the checksum object exists next to the dump. */
  hasChecksum: boolean;
}

export function backupName(at: Date): string {
  return `${at.toISOString().replace(/[:.]/g, '-')}.dump`;
}

export function parseBackupName(name: string): Date | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms] = m.map(Number) as number[];
  const at = new Date(Date.UTC(y!, mo! - 1, d!, h, mi, s, ms));
  return Number.isNaN(at.getTime()) ? null : at;
}

/** Accepts `2026-01-23T02-00-00-000Z.dump` or the same with the `backups/` prefix. */
export function keyOf(name: string): string {
  const bare = name.startsWith(BACKUP_PREFIX) ? name.slice(BACKUP_PREFIX.length) : name;
  if (!parseBackupName(bare)) {
    throw new Error(`not a backup name: ${name} (expected e.g. 2026-01-23T02-00-00-000Z.dump)`);
  }
  return BACKUP_PREFIX + bare;
}

/** Every backup, oldest first. */
export async function listBackups(store: ObjectStore): Promise<BackupEntry[]> {
  const objects = await store.list(BACKUP_PREFIX);
  const keys = new Set(objects.map((o) => o.key));
  const out: BackupEntry[] = [];
  for (const o of objects) {
    const name = o.key.slice(BACKUP_PREFIX.length);
    const at = parseBackupName(name);
    if (at) out.push({ name, key: o.key, at, size: o.size, hasChecksum: keys.has(`${o.key}.sha256`) });
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime());
}

export interface PruneResult {
  kept: { entry: BackupEntry; reasons: KeepReason[] }[];
  deleted: BackupEntry[];
}

/** Deletes every backup the policy does not keep (dump and checksum). The newest is never deleted. */
export async function pruneBackups(store: ObjectStore, policy: RetentionPolicy): Promise<PruneResult> {
  const entries = await listBackups(store);
  const keep = retention(entries, policy);
  const newest = entries.at(-1);
  const result: PruneResult = { kept: [], deleted: [] };
  for (const entry of entries) {
    const reasons = keep.get(entry.name);
    if (reasons || entry === newest) {
      result.kept.push({ entry, reasons: reasons ?? ['newest'] });
      continue;
    }
    await store.delete(entry.key);
    await store.delete(`${entry.key}.sha256`);
    result.deleted.push(entry);
  }
  return result;
}
