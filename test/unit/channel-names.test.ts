// Channel names and grant patterns: which names are valid, which patterns are, and what a pattern grants.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidChannel, isValidPattern, matchesAny } from '../../src/server/auth/channel-names.js';

describe('channel names', () => {
  it('accepts letters, digits and _ - . : @ after a leading letter or digit, up to 128 characters', () => {
    for (const name of ['a', '7', 'chat', 'room:42', 'user@example.com', 'a_b-c.d:e@f', 'x'.repeat(128)])
      assert.equal(isValidChannel(name), true, name);
  });

  it('rejects empty, overlong, badly started names and any other character', () => {
    for (const name of [
      '',
      'x'.repeat(129),
      '_a',
      '-a',
      '.a',
      ':a',
      'a b',
      'a/b',
      'a*',
      'ä',
      'a\n',
      'room#1',
    ])
      assert.equal(isValidChannel(name), false, JSON.stringify(name));
  });
});

describe('channel patterns', () => {
  it('are a name, a name with a trailing *, or * alone', () => {
    for (const p of ['*', 'news', 'chat:*', 'chat:', 'a*', `${'x'.repeat(128)}*`])
      assert.equal(isValidPattern(p), true, p);
    for (const p of ['', '**', '*a', 'a**', 'a*b', '_*', 'a b*', `${'x'.repeat(129)}*`])
      assert.equal(isValidPattern(p), false, JSON.stringify(p));
  });

  it('grant exact names, prefixes and everything', () => {
    assert.equal(matchesAny(['news'], 'news'), true);
    assert.equal(matchesAny(['news'], 'news2'), false);
    assert.equal(matchesAny(['chat:*'], 'chat:1'), true);
    assert.equal(matchesAny(['chat:*'], 'chat:'), true);
    assert.equal(matchesAny(['chat:*'], 'chats'), false);
    assert.equal(matchesAny(['room*'], 'room'), true);
    assert.equal(matchesAny(['*'], 'anything-at-all'), true);
    assert.equal(matchesAny(['a', 'b:*'], 'b:x'), true);
    assert.equal(matchesAny([], 'news'), false);
  });
});
