// Picks object storage from config: S3/MinIO when S3_ENDPOINT is set, files under DATA_DIR otherwise.
import type { Config } from '../../config/load.js';
import type { Logger } from '../../logger.js';
import type { DependencyHealth } from '../health.js';
import { createFilesystemStore } from './filesystem.js';
import type { ObjectStore } from './object-store.js';
import { createS3Store } from './s3.js';

export type { ByteRange, ObjectInfo, ObjectStore } from './object-store.js';
export { ObjectNotFoundError } from './object-store.js';
export type { S3Store } from './s3.js';

export function createObjectStore(
  cfg: Config['storage'],
  log: Logger,
  health?: DependencyHealth,
): Promise<ObjectStore> {
  if (cfg.endpoint) return createS3Store(cfg, log.child({ driver: 's3' }), health);
  log.info({ dataDir: cfg.dataDir }, 'S3_ENDPOINT is not set: storing files under DATA_DIR');
  return createFilesystemStore(cfg.dataDir, health);
}
