// Composition root of the server process: .env, config, logger, server, signals. The only place that reads
// process.env or exits. First SIGTERM/SIGINT drains within DRAIN_TIMEOUT (readiness off for
// DRAIN_READINESS_WINDOW first) and exits 0; a second exits at once. Start-up fails (exit 1) when PostgreSQL
// or object storage cannot be reached within their deadlines; without Redis it serves degraded.
import { config as loadDotenv } from 'dotenv';
import { ConfigError, loadConfig } from './config/load.js';
import { DataDirLockedError } from './data-lock.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';

export async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
  const log = createLogger(config.env.LOG_LEVEL);
  if (config.auth.jwtSecretGenerated) {
    log.warn(
      'JWT_SECRET is not set: using a random secret; client tokens stop working on restart and across replicas',
    );
  }
  if (config.auth.devApiKey) {
    // Printed once so the first curl works; a development convenience that production never gets.
    log.warn(
      `API_KEYS is not set: development API key for this run: ${config.auth.devApiKey} (send it as Authorization: Bearer <key>; it changes on every start; set API_KEYS to choose your own)`,
    );
  }
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));

  const running = await startServer(config, log).catch((err: unknown) => {
    // A busy DATA_DIR is an operator's mistake, not a crash: say so in the message itself.
    log.fatal({ err }, err instanceof DataDirLockedError ? err.message : 'startup failed');
    process.exit(1);
  });

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    const timeoutMs = config.env.DRAIN_TIMEOUT;
    log.info({ signal }, 'shutting down');
    // Backstop: whatever hangs, the process is gone shortly after the budget.
    setTimeout(() => {
      log.error('drain did not finish in time; exiting');
      process.exit(1);
    }, timeoutMs + 500).unref();
    running.drain(timeoutMs, config.env.DRAIN_READINESS_WINDOW).then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'drain failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

const entry = process.argv[1] ?? '';
if (entry.endsWith('/server/main.js') || entry.endsWith('/server/main.ts')) {
  void main();
}
