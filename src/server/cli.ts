// Server-side commands of the `paasport` CLI: serve, migrate (a PaaS pre-deploy step), backup, restore.
import { config as loadDotenv } from 'dotenv';
import { BACKUP_USAGE, backupCommand, restoreCommand } from './backups/commands.js';
import { ConfigError, loadConfig } from './config/load.js';
import { DataDirLockedError } from './data-lock.js';
import { migrate } from './db/migrate.js';
import { createDatabase } from './drivers/database/index.js';
import { createLogger } from './logger.js';

const USAGE = `Server commands:
  paasport serve      start the server (same as npm start)
  paasport migrate    apply pending database migrations and exit
${BACKUP_USAGE}`;

async function runMigrate(): Promise<number> {
  const config = loadConfig(process.env);
  const log = createLogger(config.env.LOG_LEVEL);
  // The embedded database locks DATA_DIR: migrating under a running server stops with DataDirLockedError.
  const db = await createDatabase(config.database, log);
  try {
    const applied = await migrate(db, log);
    console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'database is up to date');
    return 0;
  } finally {
    await db.close();
  }
}

export async function runServerCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  loadDotenv({ quiet: true });
  try {
    switch (command) {
      case 'serve': {
        const { main } = await import('./main.js');
        await main();
        return new Promise<number>(() => {});
      }
      case 'migrate':
        return await runMigrate();
      case 'backup':
      case 'restore': {
        const config = loadConfig(process.env);
        const log = createLogger(config.env.LOG_LEVEL);
        const run = command === 'backup' ? backupCommand : restoreCommand;
        return await run(rest, config, log).catch((err: unknown) => {
          console.error(`${command} failed: ${(err as Error).message}`);
          return 1;
        });
      }
      default:
        console.error(`unknown server command: ${command}\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof ConfigError || err instanceof DataDirLockedError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
}
