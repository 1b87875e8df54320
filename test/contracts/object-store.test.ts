// Runs the object store contract against every implementation: files under a temp DATA_DIR, and S3 on the
// test MinIO in a bucket of its own (created by the driver at start, emptied and removed afterwards).
import { createFilesystemStore } from '../../src/server/drivers/object-store/filesystem.js';
import { createS3Store } from '../../src/server/drivers/object-store/s3.js';
import { silentLogger } from '../../src/server/logger.js';
import { startS3, tempDir, uid } from '../helpers/services.js';
import { objectStoreContract } from './object-store.contract.js';

objectStoreContract('filesystem', async () => {
  const dir = await tempDir('paasport-contract-objects-');
  return { store: await createFilesystemStore(dir.path), cleanup: dir.remove };
});
objectStoreContract('s3', async () => {
  const s3 = await startS3();
  const store = await createS3Store(
    {
      endpoint: s3.endpoint,
      accessKey: s3.accessKey,
      secretKey: s3.secretKey,
      bucket: `contract-${uid()}`,
      region: 'us-east-1',
      pathStyle: true,
      requestTimeoutMs: 30_000,
      dataDir: '',
    },
    silentLogger(),
  );
  const cleanup = async () => {
    for (const { key } of await store.list('')) await store.delete(key);
    await store.client.removeBucket(store.bucket);
    await s3.stop();
  };
  return { store, cleanup };
});
