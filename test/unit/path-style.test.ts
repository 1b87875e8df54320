// S3_FORCE_PATH_STYLE=auto: hosted stores that expect `bucket.host` URLs get them, self-hosted ones path style.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/server/config/load.js';
import { resolvePathStyle } from '../../src/server/drivers/object-store/path-style.js';

describe('S3 path style', () => {
  it('auto picks virtual-hosted URLs for known hosted stores and path style for the rest', () => {
    for (const endpoint of [
      'https://storage.railway.app',
      'https://s3.eu-west-1.amazonaws.com',
      'https://fra1.digitaloceanspaces.com',
    ])
      assert.equal(resolvePathStyle('auto', endpoint), false, endpoint);
    for (const endpoint of [
      'http://minio:9000',
      'http://127.0.0.1:9000',
      'https://s3.example.org',
      'https://notamazonaws.com',
      'not a url',
      undefined,
    ])
      assert.equal(resolvePathStyle('auto', endpoint), true, String(endpoint));
  });

  it('an explicit setting wins, and the config reads auto by default', () => {
    assert.equal(resolvePathStyle(true, 'https://storage.railway.app'), true);
    assert.equal(resolvePathStyle(false, 'http://minio:9000'), false);
    const s3 = { S3_ENDPOINT: 'https://storage.railway.app', S3_ACCESS_KEY: 'a', S3_SECRET_KEY: 'b' };
    assert.equal(loadConfig(s3).storage.pathStyle, false);
    assert.equal(loadConfig({ ...s3, S3_FORCE_PATH_STYLE: 'true' }).storage.pathStyle, true);
    assert.equal(loadConfig({ ...s3, S3_ENDPOINT: 'http://minio:9000' }).storage.pathStyle, true);
    assert.throws(() => loadConfig({ ...s3, S3_FORCE_PATH_STYLE: 'maybe' }), /true, false or auto/);
  });
});
