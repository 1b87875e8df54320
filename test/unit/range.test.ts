// Range header parsing for downloads: the one-range forms, what is ignored (answered with the whole file),
// and the 416 cases with their Content-Range.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRange } from '../../src/server/files/range.js';
import { HttpError } from '../../src/server/http/errors.js';

function unsatisfiable(header: string, size: number): HttpError {
  try {
    parseRange(header, size);
  } catch (err) {
    assert.ok(err instanceof HttpError);
    return err;
  }
  assert.fail(`${header} on ${size} bytes was accepted`);
}

describe('parseRange', () => {
  it('reads first-last, first- and -suffix', () => {
    assert.deepEqual(parseRange('bytes=0-99', 1000), { start: 0, end: 99 });
    assert.deepEqual(parseRange('bytes=500-', 1000), { start: 500, end: 999 });
    assert.deepEqual(parseRange('bytes=-100', 1000), { start: 900, end: 999 });
    assert.deepEqual(parseRange('bytes=999-999', 1000), { start: 999, end: 999 });
  });

  it('clamps a last byte or suffix past the end to the file', () => {
    assert.deepEqual(parseRange('bytes=900-5000', 1000), { start: 900, end: 999 });
    assert.deepEqual(parseRange('bytes=-5000', 1000), { start: 0, end: 999 });
  });

  it('tolerates spaces around the numbers', () => {
    assert.deepEqual(parseRange('  bytes= 10 - 19 ', 100), { start: 10, end: 19 });
  });

  it('ignores what it does not serve: no header, other units, several ranges, malformed or reversed', () => {
    for (const header of [
      undefined,
      '',
      'items=0-1',
      'bytes=0-1,5-6',
      'bytes=-',
      'bytes=a-b',
      'bytes=5-2',
      'bytes 0-1',
    ]) {
      assert.equal(parseRange(header, 1000), null, String(header));
    }
  });

  it('answers 416 with the size in Content-Range when the range lies outside the file', () => {
    for (const [header, size] of [
      ['bytes=1000-', 1000],
      ['bytes=1000-2000', 1000],
      ['bytes=-0', 1000],
      ['bytes=0-', 0],
      ['bytes=-5', 0],
    ] as const) {
      const err = unsatisfiable(header, size);
      assert.equal(err.status, 416, header);
      assert.equal(err.code, 'range_not_satisfiable');
      assert.deepEqual(err.options.headers, { 'Content-Range': `bytes */${size}` });
    }
  });
});
