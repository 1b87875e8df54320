// `paasport backup`, `paasport backup list|prune` and `paasport restore <name> [--force]`: build only the
// object store (and connect to PostgreSQL only through the client tools and one check), print plainly, and
// return the exit code: 0 done, 1 failed, 2 usage, 3 restore refused (database not empty).
import type { Config } from '../config/load.js';
import { createObjectStore, type ObjectStore } from '../drivers/object-store/index.js';
import type { Logger } from '../logger.js';
import { runBackup } from './backup.js';
import { listBackups, pruneBackups } from './catalog.js';
import { RestoreRefusedError, restoreBackup } from './restore.js';
import { type RetentionPolicy, retention } from './retention.js';

export const BACKUP_USAGE = `  paasport backup             dump PostgreSQL into the bucket (backups/), then prune by retention
  paasport backup --no-prune  the same without pruning
  paasport backup list        list backups, newest last, with what retention keeps
  paasport backup prune       delete the backups retention does not keep
  paasport restore <name> [--force]
                              restore a backup into DATABASE_URL; refuses a non-empty database
                              unless --force (then objects in the backup are dropped and recreated)
`;

const policyOf = (config: Config): RetentionPolicy => ({
  daily: config.env.BACKUP_KEEP_DAILY,
  weekly: config.env.BACKUP_KEEP_WEEKLY,
  monthly: config.env.BACKUP_KEEP_MONTHLY,
  timeZone: config.env.BACKUP_TIMEZONE,
});

function databaseUrl(config: Config): string {
  if (!config.database.url) {
    throw new Error(
      'backups need DATABASE_URL (a PostgreSQL server). Embedded mode is not supported: stop the server and copy DATA_DIR instead (see docs/operations.md)',
    );
  }
  return config.database.url;
}

async function withStore<T>(config: Config, log: Logger, fn: (store: ObjectStore) => Promise<T>): Promise<T> {
  const store = await createObjectStore(config.storage, log);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

export async function backupCommand(args: string[], config: Config, log: Logger): Promise<number> {
  const [sub] = args.filter((a) => !a.startsWith('-'));
  if (sub === 'list') {
    return withStore(config, log, async (store) => {
      const entries = await listBackups(store);
      const kept = retention(entries, policyOf(config));
      if (entries.length === 0) console.log('no backups');
      for (const e of entries) {
        const reasons = kept.get(e.name)?.join(',') ?? 'prune';
        console.log(
          `${e.name}  ${mib(e.size).padStart(10)}  ${e.hasChecksum ? 'sha256' : 'NO-CHECKSUM'}  ${reasons}`,
        );
      }
      return 0;
    });
  }
  if (sub === 'prune') {
    return withStore(config, log, async (store) => {
      const result = await pruneBackups(store, policyOf(config));
      for (const d of result.deleted) console.log(`deleted ${d.name}`);
      console.log(`kept ${result.kept.length}, deleted ${result.deleted.length}`);
      return 0;
    });
  }
  if (sub !== undefined) {
    console.error(`unknown backup command: ${sub}\n${BACKUP_USAGE}`);
    return 2;
  }
  const url = databaseUrl(config);
  return withStore(config, log, async (store) => {
    if (store.driver === 'filesystem') {
      console.error('warning: S3_ENDPOINT is not set; the backup is written under DATA_DIR on this machine');
    }
    const b = await runBackup({ databaseUrl: url, store, binDir: config.env.BACKUP_PG_BIN_DIR });
    console.log(`created ${b.name} (${b.size} bytes, sha256 ${b.sha256})`);
    if (!args.includes('--no-prune')) {
      const result = await pruneBackups(store, policyOf(config));
      for (const d of result.deleted) console.log(`pruned ${d.name}`);
    }
    return 0;
  });
}

export async function restoreCommand(args: string[], config: Config, log: Logger): Promise<number> {
  const names = args.filter((a) => !a.startsWith('-'));
  const unknown = args.filter((a) => a.startsWith('-') && a !== '--force');
  if (names.length !== 1 || unknown.length > 0) {
    console.error(`usage: paasport restore <name> [--force]\n${BACKUP_USAGE}`);
    return 2;
  }
  const url = databaseUrl(config);
  return withStore(config, log, async (store) => {
    try {
      await restoreBackup(
        {
          databaseUrl: url,
          store,
          name: names[0]!,
          force: args.includes('--force'),
          binDir: config.env.BACKUP_PG_BIN_DIR,
        },
        (line) => console.log(line),
      );
    } catch (err) {
      if (err instanceof RestoreRefusedError) {
        console.error(`refused: ${err.message}`);
        return 3;
      }
      throw err;
    }
    console.log(`restored ${names[0]}`);
    return 0;
  });
}
