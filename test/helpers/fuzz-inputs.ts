// Seeded generators of hostile channel input for fuzz tests: WebSocket frames (valid frames with fields
// swapped for nasty values, byte-level mutations, binary frames) and HTTP publish requests. Same seed, same input.

import type { Random } from './seeded-random.js';

export { seeded } from './seeded-random.js';

type Rand = Random;

const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const int = (rand: Rand, max: number) => Math.floor(rand() * max);

const CHANNELS = [
  'fz-a',
  'fz-b',
  'public-x',
  'fz-c:1',
  'a b',
  '-x',
  '',
  'x'.repeat(129),
  '\ud800',
  'fz\u0000',
];
const STRINGS = ['', 'ok', '\ud800', '\udc00x', '😀', 'a\u0000b', '\u007f', '__proto__', 'x'.repeat(200)];

/** Text of arrays or objects nested `depth` deep. */
function nestedText(rand: Rand, depth: number): string {
  return rand() < 0.5
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A JSON value as text: mostly plausible, often hostile. */
function valueText(rand: Rand): string {
  const r = rand();
  if (r < 0.12) return nestedText(rand, 1 + int(rand, rand() < 0.5 ? 80 : 12_000));
  if (r < 0.22) return JSON.stringify(pick(rand, STRINGS));
  if (r < 0.3)
    return pick(rand, ['1e308', '-0', '9007199254740993', '-1', '0.5', 'null', 'true', '[]', '{}']);
  if (r < 0.38) return `{"__proto__":{"x":1},"constructor":${JSON.stringify(pick(rand, STRINGS))}}`;
  if (r < 0.44) return JSON.stringify('y'.repeat(int(rand, 50_000)));
  return JSON.stringify({ n: int(rand, 1000), t: pick(rand, ['hi', 'ключ', '😀']) });
}

function field(rand: Rand, name: string, plausible: string): string {
  return `${JSON.stringify(name)}:${rand() < 0.7 ? plausible : valueText(rand)}`;
}

function frameText(rand: Rand): string {
  const channel = JSON.stringify(pick(rand, CHANNELS.slice(0, rand() < 0.8 ? 4 : CHANNELS.length)));
  const id = JSON.stringify(rand() < 0.8 ? `f-${int(rand, 500)}` : pick(rand, STRINGS));
  const parts: string[] = [];
  switch (pick(rand, ['ping', 'subscribe', 'unsubscribe', 'publish', 'publish', 'other'] as const)) {
    case 'ping':
      parts.push('"type":"ping"');
      if (rand() < 0.7) parts.push(field(rand, 'id', id));
      break;
    case 'subscribe':
      parts.push('"type":"subscribe"', field(rand, 'channel', channel));
      if (rand() < 0.5) parts.push(field(rand, 'since', String(int(rand, 5))));
      if (rand() < 0.3) parts.push(field(rand, 'presence', 'true'));
      break;
    case 'unsubscribe':
      parts.push('"type":"unsubscribe"', field(rand, 'channel', channel));
      break;
    case 'publish':
      parts.push('"type":"publish"', field(rand, 'channel', channel));
      if (rand() < 0.9) parts.push(field(rand, 'data', JSON.stringify({ n: int(rand, 100) })));
      if (rand() < 0.7) parts.push(field(rand, 'id', id));
      break;
    case 'other':
      parts.push(field(rand, 'type', '"dance"'));
      break;
  }
  if (rand() < 0.1) parts.push(field(rand, 'extra', '1'));
  return `{${parts.join(',')}}`;
}

/** Replaces, inserts or deletes a few characters anywhere in the text. */
function mutate(rand: Rand, text: string): string {
  let s = text;
  for (let k = 1 + int(rand, 4); k > 0; k--) {
    const at = int(rand, s.length + 1);
    const ch = pick(rand, ['"', '{', '}', '[', ']', ',', ':', '\\', 'u', '0', ' ', '\ud800', 'x']);
    const op = int(rand, 3);
    s =
      op === 0
        ? s.slice(0, at) + ch + s.slice(at + 1)
        : op === 1
          ? s.slice(0, at) + ch + s.slice(at)
          : s.slice(0, at) + s.slice(at + 1);
  }
  return s;
}

/** One WebSocket frame: text (a string) or binary (a Buffer). */
export function fuzzFrame(rand: Rand): string | Buffer {
  if (rand() < 0.03) return Buffer.from(frameText(rand));
  const text = frameText(rand);
  return rand() < 0.2 ? mutate(rand, text) : text;
}

/** One HTTP publish: the channel path segment (already encoded) and the raw body. */
export function fuzzBody(rand: Rand): { channel: string; body: string } {
  const channel =
    rand() < 0.85
      ? pick(rand, ['fz-h1', 'fz-h2', 'public-h'])
      : pick(rand, ['a%20b', '%ED%A0%80', '%00', '%FF', '-x', 'x'.repeat(200), '%', 'fz%2Fh']);
  const r = rand();
  if (r < 0.08)
    return { channel, body: pick(rand, ['', '[1]', '"x"', 'null', '{', '{"data":}', '{"data":1,}']) };
  const parts = [field(rand, 'data', JSON.stringify({ n: int(rand, 100) }))];
  if (rand() < 0.6) parts.push(field(rand, 'id', JSON.stringify(`h-${int(rand, 300)}`)));
  if (rand() < 0.1) parts.push(field(rand, 'extra', '1'));
  const body = `{${parts.join(',')}}`;
  return { channel, body: rand() < 0.15 ? mutate(rand, body) : body };
}
