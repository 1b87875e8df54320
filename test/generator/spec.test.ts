// Spec loading: valid specs normalize with defaults; invalid ones list every error with pointer and hint.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { normalize } from '../../src/generator/model/normalize.js';
import { parseSpecText } from '../../src/generator/spec/load.js';
import { cases, repoRoot } from './helpers.js';

const starter = readFileSync(`${repoRoot}/src/generator/spec/starter.yaml`, 'utf8');

function errorsOf(text: string) {
  const result = parseSpecText(text);
  assert.equal(result.ok, false, 'spec should be invalid');
  return result.ok ? [] : result.errors;
}

describe('spec validation', () => {
  for (const c of cases) {
    it(`${c.name} is valid`, () => {
      assert.equal(parseSpecText(readFileSync(`${repoRoot}/${c.spec}`, 'utf8')).ok, true);
    });
  }

  it('the init starter is valid', () => {
    assert.equal(parseSpecText(starter).ok, true);
  });

  it('lists every error with its JSON pointer, the expectation and a typo hint', () => {
    const errors = errorsOf(
      'version: 1\nname: Bad_Name\ndescription: d\napp:\n  imag: x\n  version: latest\n  port: 70000\n  env:\n    lower: 1\n    X: { secrt: {} }\ntargets: { railway: { bucketRegion: iadd } }\n',
    );
    const by = (pointer: string) => errors.find((e) => e.pointer === pointer);
    assert.equal(by('/app/imag')?.hint, 'did you mean "image"?');
    assert.equal(by('/app/image')?.message, 'is required');
    assert.match(by('/app/version')?.message ?? '', /latest/);
    assert.match(by('/app/port')?.expected ?? '', /<= 65534/);
    assert.ok(by('/app/env/lower'));
    assert.equal(by('/app/env/X/secrt')?.hint, 'did you mean "secret"?');
    assert.ok(by('/name')?.expected);
    assert.equal(by('/targets/railway/bucketRegion')?.hint, 'did you mean "iad"?');
  });

  it('checks references to addons and their outputs', () => {
    const errors = errorsOf(
      'version: 1\nname: ok\ndescription: d\napp: {image: a/b, version: "1", port: 80, env: {Z: {from: postgres.urll}, W: {from: redis.url}}}\naddons: {postgres: {}}\n',
    );
    assert.equal(errors.find((e) => e.pointer === '/app/env/Z/from')?.hint, 'did you mean "url"?');
    assert.match(errors.find((e) => e.pointer === '/app/env/W/from')?.message ?? '', /not declared/);
  });

  it('rejects stateful replicas, duplicate env names, reserved names, bad YAML and duplicate keys', () => {
    const stateful =
      'version: 1\nname: ok\ndescription: d\napp: {image: a/b, version: "1", port: 80, replicas: 2, volumes: [{name: d, path: /d}]}\n';
    assert.equal(errorsOf(stateful)[0]?.pointer, '/app/volumes');
    const dup =
      'version: 1\nname: ok\ndescription: d\napp: {image: a/b, version: "1", port: 80, env: {DATABASE_URL: x}}\naddons: {postgres: {env: {url: DATABASE_URL}}}\n';
    assert.equal(errorsOf(dup)[0]?.pointer, '/addons/postgres/env/url');
    assert.equal(
      errorsOf('version: 1\nname: redis\ndescription: d\napp: {image: a/b, version: "1", port: 80}\n')[0]
        ?.pointer,
      '/name',
    );
    assert.equal(errorsOf('version: 1\nversion: 1\n').length, 1);
    assert.equal(errorsOf('app: [').length, 1);
  });

  it('normalizes defaults once: health path, replicas, addon images, sorted env', () => {
    const result = parseSpecText(
      'version: 1\nname: my-app\ndescription: d\napp: {image: a/b, version: "1", port: 80, env: {Z: 1, A: {secret: {}}}}\naddons: {postgres: {env: {url: DATABASE_URL}}}\n',
    );
    assert.ok(result.ok);
    const model = normalize(result.spec, { specPath: 'x.yaml' });
    assert.equal(model.app.healthPath, '/healthz');
    assert.equal(model.app.replicas, 1);
    assert.equal(model.postgres?.image, 'postgres');
    assert.equal(model.postgres?.database, 'my_app');
    assert.deepEqual(
      model.app.env.map((e) => e.name),
      ['A', 'DATABASE_URL', 'Z'],
    );
    assert.deepEqual(model.app.env[0]?.value, { kind: 'secret', length: 32 });
  });
});
