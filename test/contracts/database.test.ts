// Runs the database contract against every implementation: embedded PGlite under a temp DATA_DIR and a
// real PostgreSQL (a throwaway database on the test server).
import { createEmbeddedDatabase } from '../../src/server/drivers/database/embedded.js';
import { createPgDatabase } from '../../src/server/drivers/database/pg.js';
import { silentLogger } from '../../src/server/logger.js';
import { createTestDatabase, tempDir } from '../helpers/services.js';
import { databaseContract } from './database.contract.js';

const pool = { poolMax: 4, connectTimeoutMs: 5000, statementTimeoutMs: 10_000 };

databaseContract('embedded', async () => {
  const dir = await tempDir('paasport-contract-db-');
  return {
    db: await createEmbeddedDatabase({ ...pool, dataDir: dir.path }, silentLogger()),
    cleanup: dir.remove,
  };
});
databaseContract('pg', async () => {
  const t = await createTestDatabase();
  return { db: await createPgDatabase({ ...pool, url: t.url }, silentLogger()), cleanup: t.drop };
});
// As behind a transaction-mode pooler that cannot keep prepared statements: named queries go unnamed.
databaseContract('pg without prepared statements', async () => {
  const t = await createTestDatabase();
  const db = await createPgDatabase({ ...pool, url: t.url, preparedStatements: false }, silentLogger());
  return { db, cleanup: t.drop };
});
