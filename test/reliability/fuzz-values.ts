// Hostile JSON values and texts shared by the WebSocket and HTTP fuzzers: deep nesting, lone surrogates,
// numbers beyond any range, wrong types, prototype keys, control characters. Every value is returned as
// JSON text, so shapes JSON.stringify cannot produce (40 KB of nested arrays, `1e400`) are possible.
import { int, pick, type Random } from './random.js';

/** `[[[...]]]` of about `bytes` characters. */
export const nestedArrays = (bytes: number) => '['.repeat(bytes / 2) + ']'.repeat(bytes / 2);
/** `{"a":{"a":...}}` nested `depth` times. */
export const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

const LONE = ['\\ud800', '\\udfff', 'a\\ud83d', '\\ude00b', '\\ud800\\ud800'];
const HUGE_NUMBERS = [
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '9007199254740993',
  '-0',
  '1.5',
  '0.1e-400',
];

/** A JSON string literal with nasty content. */
export function nastyString(r: Random): string {
  switch (int(r, 0, 7)) {
    case 0:
      return `"${pick(r, LONE)}"`;
    case 1:
      return `"x${pick(r, LONE)}y"`;
    case 2:
      return JSON.stringify('a'.repeat(pick(r, [0, 1, 128, 129, 256, 5000])));
    case 3:
      return JSON.stringify(`\u0000\u0007\u001f\u007f\u0085 ${int(r, 0, 9)}`);
    case 4:
      return JSON.stringify('\u202e\u200b\ufeff😀 room');
    case 5:
      return JSON.stringify('../../etc/passwd%00');
    case 6:
      return JSON.stringify(`rel-*${'?'.repeat(int(r, 0, 3))}`);
    default:
      return JSON.stringify(`fz-${int(r, 0, 5)}`);
  }
}

/** Any JSON value text, mostly hostile. */
export function nastyValue(r: Random): string {
  switch (int(r, 0, 11)) {
    case 0:
      return nestedArrays(40_000);
    case 1:
      return nestedObjects(4500);
    case 2:
      return nestedArrays(int(r, 2, 200) * 2);
    case 3:
      return pick(r, HUGE_NUMBERS);
    case 4:
      return pick(r, ['null', 'true', 'false', '[]', '{}', '""']);
    case 5:
      return `{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}`;
    case 6:
      return `[${Array.from({ length: int(r, 1, 50) }, () => nastyString(r)).join(',')}]`;
    case 7:
      return `{"${pick(r, LONE)}":${nastyString(r)}}`;
    case 8:
      return JSON.stringify({ text: 'x'.repeat(int(r, 0, 70_000)) });
    case 9:
      return `[${Array.from({ length: int(r, 100, 3000) }, () => '0').join(',')}]`;
    case 10:
      return nastyString(r);
    default:
      return JSON.stringify({ n: int(r, 0, 1e6), ok: true });
  }
}

/** Breaks a JSON text: truncates, drops or duplicates a character, or inserts a stray one. */
export function mangle(r: Random, text: string): string {
  const at = int(r, 0, Math.max(0, text.length - 1));
  switch (int(r, 0, 4)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + text.slice(at + 1);
    case 2:
      return text.slice(0, at) + pick(r, ['"', '{', ']', ',', ':', '\\', '\u0000', 'é']) + text.slice(at);
    case 3:
      return text + text;
    default:
      return text.slice(0, at) + text[at] + text.slice(at);
  }
}

/** Random bytes, for binary frames and non-JSON bodies. */
export function bytes(r: Random, n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, () => int(r, 0, 255)));
}
