// The container image, replayed on the host (no Docker engine here): build from what .dockerignore lets
// through, production dependencies only, start with the image's CMD and ENV, /healthz and the HEALTHCHECK answer.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseDockerfile, type Replay, replayDockerfile } from '../helpers/dockerfile.js';
import { captureOutput, freePort, ROOT, tempDir, until } from '../helpers/services.js';

describe('container image', () => {
  let work: Awaited<ReturnType<typeof tempDir>>;
  let image: Replay;

  before(async () => {
    work = await tempDir('image-');
    image = replayDockerfile(ROOT, work.path);
  });
  after(async () => {
    await work.remove();
  });

  it('follows the image rules: non-root, node CMD, healthcheck without curl', () => {
    const steps = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    assert.ok(steps.filter((s) => s.op === 'FROM').length >= 2, 'multi-stage build expected');
    assert.equal(image.user, 'node');
    assert.equal(image.cmd[0], 'node');
    assert.ok(image.healthcheck && image.healthcheck[0] === 'node', 'HEALTHCHECK must use node, not curl');
    assert.ok(!steps.some((s) => /\b(curl|wget)\b/.test(s.args)), 'no curl or wget in any instruction');
    assert.deepEqual(image.exposed, ['3000']);
    // Only OS-level steps may be skipped by the replay; all npm and build steps ran for real.
    for (const s of image.skipped)
      assert.match(s, /^(apk |mkdir -p \/data|chown|ln -s|chmod)/, `unexpected skip: ${s}`);
  });

  it('contains production dependencies and the build, and none of the excluded sources', () => {
    assert.ok(existsSync(join(image.dir, 'dist/server/main.js')));
    assert.ok(existsSync(join(image.dir, 'dist/cli.js')));
    assert.ok(existsSync(join(image.dir, 'node_modules/express')));
    assert.ok(
      !existsSync(join(image.dir, 'node_modules/typescript')),
      'dev dependencies leaked into the image',
    );
    assert.ok(
      !existsSync(join(image.dir, 'node_modules/@biomejs')),
      'dev dependencies leaked into the image',
    );
    assert.ok(!existsSync(join(image.dir, 'test')));
    assert.ok(!existsSync(join(image.dir, 'src')));
  });

  it('starts with the image command and environment and answers /healthz and the HEALTHCHECK', async () => {
    const port = await freePort();
    const data = await tempDir('image-data-');
    // The image's ENV, with only what differs on a host: a free port, a writable data dir, loopback,
    // and the secrets production requires (an operator sets these on the platform).
    const env = {
      PATH: process.env.PATH ?? '',
      ...image.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: data.path,
      JWT_SECRET: 'j'.repeat(40),
      API_KEYS: 'k'.repeat(32),
    };
    assert.equal(image.env.NODE_ENV, 'production');
    const proc = spawn(image.cmd[0]!, image.cmd.slice(1), {
      cwd: image.dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = captureOutput(proc);
    try {
      await until(
        '/healthz to answer 200',
        async () => {
          if (proc.exitCode !== null)
            throw new Error(`server exited with code ${proc.exitCode}:\n${output()}`);
          const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
          return res?.status === 200 ? true : undefined;
        },
        60_000,
        200,
      );
      const hc = spawn(image.healthcheck![0]!, image.healthcheck!.slice(1), { env, stdio: 'ignore' });
      assert.equal(await new Promise((r) => hc.on('exit', r)), 0, 'HEALTHCHECK command failed');
    } finally {
      proc.kill('SIGTERM');
      assert.equal(await new Promise((r) => proc.once('exit', r)), 0, output());
      await data.remove();
    }
  });
});
