// Untrusted file names and content types: safe display names, media types, the allowlist, inline safety and
// the Content-Disposition header.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  contentDisposition,
  isInlineSafe,
  mediaType,
  sanitizeName,
  typeAllowed,
} from '../../src/server/files/names.js';

describe('sanitizeName', () => {
  it('keeps only the last path component', () => {
    assert.equal(sanitizeName('C:\\fakepath\\report.pdf'), 'report.pdf');
    assert.equal(sanitizeName('../../etc/passwd'), 'passwd');
    assert.equal(sanitizeName('dir/'), 'file');
  });

  it('drops control, bidi-override and zero-width characters', () => {
    assert.equal(sanitizeName('a\u0000b\u007fc'), 'abc');
    assert.equal(sanitizeName('invoice\u202Efdp.exe'), 'invoicefdp.exe');
    assert.equal(sanitizeName('zero\u200Bwidth\uFEFF.txt'), 'zerowidth.txt');
  });

  it('replaces reserved characters, collapses spaces and trims dots and spaces at the ends', () => {
    assert.equal(sanitizeName('a:b*c?"d"<e>|f.txt'), 'a_b_c__d__e__f.txt');
    assert.equal(sanitizeName('my    holiday  photo.jpg'), 'my holiday photo.jpg');
    assert.equal(sanitizeName('...hidden'), 'hidden');
    assert.equal(sanitizeName(' name. . '), 'name');
  });

  it('normalizes to NFC', () => {
    assert.equal(sanitizeName('cafe\u0301.txt'), 'caf\u00e9.txt');
  });

  it('falls back when nothing usable is left', () => {
    assert.equal(sanitizeName(undefined), 'file');
    assert.equal(sanitizeName(''), 'file');
    assert.equal(sanitizeName('...'), 'file');
    assert.equal(sanitizeName('\u202E', 'upload'), 'upload');
  });

  it('cuts to 255 UTF-8 bytes, keeping the extension and whole characters', () => {
    const long = sanitizeName(`${'a'.repeat(300)}.pdf`);
    assert.equal(Buffer.byteLength(long), 255);
    assert.ok(long.endsWith('.pdf'));
    const euros = sanitizeName('€'.repeat(200));
    assert.equal(euros, '€'.repeat(85), '85 three-byte characters, none split');
  });
});

describe('content types', () => {
  it('reads the lower-cased type/subtype of a Content-Type', () => {
    assert.equal(mediaType('Text/Plain; charset=utf-8'), 'text/plain');
    assert.equal(mediaType('application/vnd.api+json'), 'application/vnd.api+json');
    for (const bad of [undefined, '', 'text', 'text/', '/plain', 'text/plain/x', 'a b/c'])
      assert.equal(mediaType(bad), null, String(bad));
  });

  it('checks the allowlist by exact type, family wildcard or */*', () => {
    assert.equal(typeAllowed('image/png', ['image/*']), true);
    assert.equal(typeAllowed('image/png', ['*/*']), true);
    assert.equal(typeAllowed('text/plain', ['image/*', 'text/plain']), true);
    assert.equal(typeAllowed('text/html', ['image/*', 'text/plain']), false);
    assert.equal(typeAllowed('imagex/png', ['image/*']), false);
    assert.equal(typeAllowed('image/png', []), false);
  });

  it('renders in place only types that cannot run script', () => {
    for (const t of ['image/png', 'image/jpeg', 'audio/ogg', 'video/mp4', 'text/plain', 'application/pdf'])
      assert.equal(isInlineSafe(t), true, t);
    for (const t of ['image/svg+xml', 'text/html', 'application/xhtml+xml', 'application/javascript'])
      assert.equal(isInlineSafe(t), false, t);
  });
});

describe('contentDisposition', () => {
  it('is inline for safe types unless forced, attachment otherwise', () => {
    assert.match(contentDisposition('a.pdf', 'application/pdf'), /^inline; /);
    assert.match(contentDisposition('a.pdf', 'application/pdf', true), /^attachment; /);
    assert.match(contentDisposition('a.html', 'text/html'), /^attachment; /);
  });

  it('gives an ASCII fallback and the exact name in filename*', () => {
    assert.equal(
      contentDisposition('naïve "x" 100%.txt', 'text/plain'),
      `inline; filename="na_ve _x_ 100_.txt"; filename*=UTF-8''na%C3%AFve%20%22x%22%20100%25.txt`,
    );
    assert.equal(
      contentDisposition("it's (1)*.png", 'image/png'),
      `inline; filename="it's (1)*.png"; filename*=UTF-8''it%27s%20%281%29%2A.png`,
    );
  });
});
