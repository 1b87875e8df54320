// What a deployment's backing services are started with, read from their own config, and the rewrite of the
// app's addresses: only an exact host and port after `//` or `@` moves; anything else stays and is reported.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backingOf, internalHostsLeft, rewriteEnv } from './stand-ins.js';

describe('stand-ins', () => {
  it('reads credentials from the backing services the way their images do', () => {
    const { backing, problems } = backingOf(
      {
        app: { image: 'ghcr.io/acme/app:1', environment: { DATABASE_URL: 'x' } },
        db: { image: 'postgres:17-alpine', environment: { POSTGRES_USER: 'acme', POSTGRES_PASSWORD: 'pw' } },
        bare: { image: 'postgres:16', environment: {} },
        cache: {
          image: 'redis:7.4-alpine',
          environment: {},
          command: ['redis-server', '--requirepass', 'rpw'],
        },
        s3: {
          image: 'ghcr.io/coollabsio/minio:RELEASE.2025',
          environment: {
            MINIO_ROOT_USER: 'root',
            MINIO_ROOT_PASSWORD: 'rootpass',
            MINIO_SITE_REGION: 'eu-1',
          },
          command: ['/bin/sh', '-c', 'mkdir -p /data/b && exec minio server /data --address :9100'],
        },
        's3-init': {
          image: 'ghcr.io/coollabsio/minio:RELEASE.2025',
          environment: {},
          entrypoint: ['/bin/sh', '-ec', 'mc mb local/b'],
        },
      },
      (name) => [name],
    );
    assert.deepEqual(backing, [
      { kind: 'postgres', hosts: ['db'], port: 5432, user: 'acme', password: 'pw', database: 'acme' },
      { kind: 'postgres', hosts: ['bare'], port: 5432, user: 'postgres', password: '', database: 'postgres' },
      { kind: 'redis', hosts: ['cache'], port: 6379, password: 'rpw' },
      {
        kind: 's3',
        hosts: ['s3'],
        port: 9100,
        accessKey: 'root',
        secretKey: 'rootpass',
        region: 'eu-1',
      },
    ]);
    assert.deepEqual(problems, ['bare: the postgres image refuses to start without POSTGRES_PASSWORD']);
  });

  it('rewrites exact host:port addresses and reports the internal hosts left', () => {
    const rewrites = [
      { from: /(?<=\/\/|@)db:5432(?=[/?#]|$)/g, to: '127.0.0.1:40000' },
      { from: /(?<=\/\/|@)s3:9000(?=[/?#]|$)/g, to: '127.0.0.1:40001' },
    ];
    const { env, changed } = rewriteEnv(
      {
        DATABASE_URL: 'postgres://db:p@db:5432/db',
        S3: 'http://s3:9000',
        WRONG_PORT: 'postgres://u:p@db:5433/d',
        OTHER_HOST: 'postgres://u:p@mydb:5432/d',
        PLAIN: 'db:5432',
      },
      rewrites,
    );
    assert.deepEqual(env, {
      DATABASE_URL: 'postgres://db:p@127.0.0.1:40000/db',
      S3: 'http://127.0.0.1:40001',
      WRONG_PORT: 'postgres://u:p@db:5433/d',
      OTHER_HOST: 'postgres://u:p@mydb:5432/d',
      PLAIN: 'db:5432',
    });
    assert.deepEqual(changed, ['DATABASE_URL', 'S3']);
    assert.deepEqual(internalHostsLeft(env, ['db', 's3']), [
      'WRONG_PORT=postgres://u:p@db:5433/d',
      'OTHER_HOST=postgres://u:p@mydb:5432/d',
    ]);
    const railway = {
      A: 'redis://default:p@redis.railway.internal:6379',
      B: 'https://files.example.com',
      C: 'x:y',
    };
    assert.deepEqual(internalHostsLeft(railway, ['.railway.internal']), [
      'A=redis://default:p@redis.railway.internal:6379',
    ]);
  });
});
