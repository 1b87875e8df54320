// Validation of channel inputs (inputs.ts, client-frames.ts): ids, channel names, offsets and data by shape
// and size, with the field named; hostile frames (deep nesting, unpaired surrogates) refused as DomainErrors;
// and a seeded sweep of random frames that may only ever raise DomainErrors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  correlationOf,
  correlationOfData,
  decodeFrame,
  parseClientFrame,
} from '../../src/server/channels/client-frames.js';
import {
  checkChannel,
  checkJson,
  checkMessageId,
  checkOffset,
  MAX_DATA_DEPTH,
  validatePublish,
} from '../../src/server/channels/inputs.js';
import { DomainError } from '../../src/server/errors/domain-error.js';

/** The DomainError fn throws; fails the test when it throws nothing or anything else. */
function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof DomainError, `expected a DomainError, got ${String(err)}`);
    return err;
  }
  assert.fail('accepted');
}

const nested = (depth: number, leaf: unknown = 1): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

describe('message ids', () => {
  it('accepts 1-128 characters, surrogate pairs included', () => {
    for (const id of ['a', 'x'.repeat(128), 'order-17', 'ключ', '😀-1', 'a b/c?d']) {
      assert.equal(checkMessageId(id), id);
    }
    assert.equal(checkMessageId(undefined), undefined);
  });

  it('refuses unpaired surrogates, control characters, bad lengths and non-strings, naming the field', () => {
    for (const id of [
      '\ud800',
      'a\udc00',
      '\ude00\ud83d',
      'a\u0000b',
      'tab\t',
      '\u007f',
      '\u0085',
      '',
      'x'.repeat(129),
    ]) {
      const err = refusal(() => checkMessageId(id));
      assert.deepEqual([err.code, err.status, err.field], ['invalid_id', 400, 'id'], JSON.stringify(id));
    }
    for (const id of [1, null, ['a'], { a: 1 }, true])
      assert.equal(refusal(() => checkMessageId(id)).code, 'invalid_id');
  });
});

describe('channel names and offsets', () => {
  it('refuses bad names with a bounded message', () => {
    assert.equal(checkChannel('room-1'), 'room-1');
    const long = refusal(() => checkChannel(`a b${'x'.repeat(50_000)}`));
    assert.deepEqual([long.code, long.field], ['invalid_channel', 'channel']);
    assert.ok(long.message.length < 300);
    for (const c of ['\ud800', '', 'a'.repeat(129), 5, null])
      assert.equal(refusal(() => checkChannel(c)).code, 'invalid_channel');
  });

  it('accepts whole numbers >= 0 only', () => {
    assert.equal(checkOffset(0, 'since'), 0);
    for (const v of [-1, 1.5, Number.MAX_SAFE_INTEGER + 2, '3', null]) {
      assert.deepEqual([refusal(() => checkOffset(v, 'since')).field], ['since']);
    }
  });
});

describe('publish data', () => {
  it(`accepts ${MAX_DATA_DEPTH} levels of nesting and refuses one more, naming the field`, () => {
    const ok = validatePublish({ channel: 'c', data: nested(MAX_DATA_DEPTH), id: undefined }, 1 << 20);
    assert.equal(ok.data, JSON.stringify(nested(MAX_DATA_DEPTH)));
    const err = refusal(() =>
      validatePublish({ channel: 'c', data: nested(MAX_DATA_DEPTH + 1), id: 'a' }, 1 << 20),
    );
    assert.deepEqual([err.code, err.status, err.field], ['invalid_data', 400, 'data']);
  });

  it('refuses 4,500 levels and 40,000 levels without recursing', () => {
    for (const depth of [4500, 40_000]) {
      const data = JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
      assert.equal(
        refusal(() => validatePublish({ channel: 'c', data, id: undefined }, 1 << 20)).code,
        'invalid_data',
      );
    }
  });

  it('refuses unpaired surrogates in strings and keys with the path to them', () => {
    const inValue = refusal(() =>
      validatePublish(
        { channel: 'c', data: { items: [{ name: 'ok' }, { name: 'x\ud800' }] }, id: undefined },
        1e6,
      ),
    );
    assert.deepEqual([inValue.code, inValue.field], ['invalid_data', 'data.items[1].name']);
    const inKey = refusal(() =>
      validatePublish({ channel: 'c', data: { a: { '\udc00': 1 } }, id: undefined }, 1e6),
    );
    assert.equal(inKey.code, 'invalid_data');
    assert.ok(inKey.field?.startsWith('data.a['), inKey.field);
    // Well-formed text of any script (and NUL, which the json column stores) passes.
    const fine = validatePublish({ channel: 'c', data: { t: '😀 ключ a\u0000b' }, id: 'x' }, 1e6);
    assert.equal(fine.data, JSON.stringify({ t: '😀 ключ a\u0000b' }));
  });

  it('checks the channel and id too, and the size last with 413', () => {
    assert.equal(
      refusal(() => validatePublish({ channel: 'a b', data: 1, id: undefined }, 10)).code,
      'invalid_channel',
    );
    assert.equal(
      refusal(() => validatePublish({ channel: 'c', data: 1, id: '\ud800' }, 10)).code,
      'invalid_id',
    );
    const big = refusal(() => validatePublish({ channel: 'c', data: 'x'.repeat(20), id: undefined }, 10));
    assert.deepEqual([big.code, big.status, big.field], ['message_too_large', 413, 'data']);
  });

  it('checkJson stops at the first problem without walking the rest', () => {
    const err = refusal(() => checkJson([nested(10), '\ud800'], 'id', 8, 'invalid_id'));
    assert.equal(err.code, 'invalid_id');
  });
});

describe('client frames', () => {
  it('refuses a 40 KB nested ping id as invalid_id instead of overflowing the stack later', () => {
    const depth = 20_000;
    const text = `{"type":"ping","id":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    assert.ok(text.length > 40_000);
    const err = refusal(() => parseClientFrame(decodeFrame(text)));
    assert.deepEqual([err.code, err.field], ['invalid_id', 'id']);
  });

  it('echoes small ping ids as JSON text and refuses large ones', () => {
    assert.deepEqual(parseClientFrame(decodeFrame('{"type":"ping","id":{"n":[1,"a"]}}')), {
      type: 'ping',
      id: '{"n":[1,"a"]}',
    });
    assert.equal(refusal(() => parseClientFrame({ type: 'ping', id: 'x'.repeat(300) })).code, 'invalid_id');
  });

  it('names an unknown type without serialising it', () => {
    const err = refusal(() => parseClientFrame({ type: nested(50_000) }));
    assert.equal(err.code, 'unknown_type');
    assert.equal(refusal(() => parseClientFrame({ type: 'x'.repeat(10_000) })).message.length < 200, true);
  });

  it('correlates with channel and string id only when they are small', () => {
    assert.deepEqual(correlationOf({ channel: 'room', id: 'm-1' }), { channel: 'room', id: 'm-1' });
    assert.deepEqual(correlationOf({ channel: 'x'.repeat(300), id: 7 }), {});
  });

  it('takes a refresh token as a non-empty, bounded string; correlates undecodable frames with nothing', () => {
    assert.deepEqual(parseClientFrame({ type: 'refresh', token: 'a.b.c' }), {
      type: 'refresh',
      token: 'a.b.c',
    });
    for (const token of [undefined, '', 42, ['a.b.c'], 'x'.repeat(20_000)]) {
      const err = refusal(() => parseClientFrame({ type: 'refresh', token }));
      assert.deepEqual([err.code, err.field], ['invalid_frame', 'token'], String(token).slice(0, 20));
    }
    const text = (s: string) => Buffer.from(s);
    assert.deepEqual(correlationOfData(text('{"type":"publish","channel":"c","id":"m"}'), false), {
      channel: 'c',
      id: 'm',
    });
    assert.deepEqual(correlationOfData(text('{not json'), false), {});
    assert.deepEqual(correlationOfData(text('{"channel":"c"}'), true), {});
  });

  it('keeps publish data raw for the publish validator and checks the id shape early', () => {
    assert.deepEqual(parseClientFrame({ type: 'publish', channel: 'c', data: { a: 1 } }), {
      type: 'publish',
      channel: 'c',
      data: { a: 1 },
      id: undefined,
    });
    assert.equal(
      refusal(() => parseClientFrame({ type: 'publish', channel: 'c', data: 1, id: '\ud800' })).code,
      'invalid_id',
    );
    assert.equal(refusal(() => parseClientFrame({ type: 'publish', channel: 'c' })).code, 'invalid_frame');
    assert.equal(
      refusal(() => parseClientFrame({ type: 'subscribe', channel: 'c', presence: 'yes' })).field,
      'presence',
    );
  });

  it('raises nothing but DomainErrors on 3,000 seeded random frames', () => {
    let seed = 0x5eed;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const atoms = ['', 'room-1', '\ud800', 'a\u0000', -1, 1.5, 2 ** 60, null, true, {}, [], 'x'.repeat(200)];
    const value = (): unknown => {
      const r = rand();
      if (r < 0.15) return nested(Math.floor(rand() * 3000), pick(atoms));
      if (r < 0.3) return { [pick(['\udc00', 'k', '__proto__'])]: pick(atoms) };
      return pick(atoms);
    };
    const types = ['ping', 'subscribe', 'unsubscribe', 'publish', 'refresh', 'dance', undefined, 7, null];
    // Fields of each type; others are refused (invalid_frame), so they are mixed in only now and then.
    const fields: Record<string, string[]> = {
      ping: ['id'],
      subscribe: ['channel', 'since', 'presence'],
      unsubscribe: ['channel'],
      publish: ['channel', 'id', 'data'],
      refresh: ['token'],
    };
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const frame: Record<string, unknown> = {};
      if (rand() < 0.6) frame.type = pick(types);
      const own = fields[String(frame.type)] ?? [];
      for (const key of ['channel', 'id', 'data', 'since', 'presence', 'token']) {
        if (rand() < 0.6 && (own.includes(key) || rand() < 0.1)) frame[key] = value();
      }
      try {
        const parsed = parseClientFrame(frame);
        if (parsed.type === 'publish') validatePublish(parsed, 64 * 1024);
        accepted++;
      } catch (err) {
        assert.ok(err instanceof DomainError, `frame ${i}: ${String(err)}`);
      }
    }
    assert.ok(accepted > 0, 'some random frames are valid');
  });
});
