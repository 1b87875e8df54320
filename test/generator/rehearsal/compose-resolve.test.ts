// The compose and Swarm resolution on tiny files: `.env` filled as `.env.example` states, then the real
// `docker compose config` and `docker stack config` interpolate it (and refuse a required variable left out).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { composeConfig, fillEnvExample, stackConfig } from './compose-resolve.js';

const file = `services:
  app:
    image: app:\${APP_VERSION:-1.0}
    environment:
      DATABASE_URL: postgres://u:\${DB_PASSWORD:?set DB_PASSWORD in .env}@db:5432/d
      PORT: '3000'
      FROM_SHELL:
  db:
    image: postgres:17
    command: [postgres, -c, 'max_connections=50']
    environment:
      POSTGRES_PASSWORD: \${DB_PASSWORD:?set DB_PASSWORD in .env}
`;

describe('compose resolver', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'compose-resolve-'));
    writeFileSync(join(dir, 'docker-compose.yml'), file);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('fills blanks with hex of the stated length and keeps given values', () => {
    const { env, problems } = fillEnvExample(
      [
        '# 32 characters: openssl rand -hex 16',
        'A=',
        '# 20 characters',
        'B=',
        'C=given',
        '# Optional',
        '# D=1',
        'E=',
      ].join('\n'),
    );
    assert.match(env.A ?? '', /^[0-9a-f]{32}$/);
    assert.match(env.B ?? '', /^[0-9a-f]{20}$/);
    assert.equal(env.C, 'given');
    assert.equal('D' in env, false);
    assert.deepEqual(problems, ['E: blank in .env.example with no stated length']);
  });

  it('interpolates from the project .env with docker compose config', () => {
    const project = composeConfig(dir, 'docker-compose.yml', { DB_PASSWORD: 'abc123' });
    assert.deepEqual(project.services.app?.environment, {
      DATABASE_URL: 'postgres://u:abc123@db:5432/d',
      PORT: '3000',
    });
    assert.equal(project.services.app?.image, 'app:1.0');
    assert.equal(project.services.db?.environment.POSTGRES_PASSWORD, 'abc123');
    assert.deepEqual(project.services.db?.command, ['postgres', '-c', 'max_connections=50']);
  });

  it('fails as compose does when a required variable is missing', () => {
    assert.throws(() => composeConfig(dir, 'docker-compose.yml', {}), /set DB_PASSWORD in \.env/);
  });

  it('interpolates a stack from the exported environment with docker stack config', () => {
    const stack = join(dir, 'stack.yml');
    writeFileSync(stack, file.replace('      FROM_SHELL:\n', ''));
    const project = stackConfig(stack, { DB_PASSWORD: 'xyz', APP_VERSION: '2.0' });
    assert.equal(project.services.app?.environment.DATABASE_URL, 'postgres://u:xyz@db:5432/d');
    assert.equal(project.services.app?.image, 'app:2.0');
  });
});
