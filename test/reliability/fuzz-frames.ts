// Seeded WebSocket client frames for the fuzzer: protocol frames with hostile fields, wrong types, non-objects,
// broken JSON, binary frames, and a few frames that must close the connection (over WS_MAX_PAYLOAD, invalid
// UTF-8 in a text frame) with a protocol close code, never 1011.
import { bytes, mangle, nastyString, nastyValue, nestedArrays, nestedObjects } from './fuzz-values.js';
import { int, pick, type Random } from './random.js';

export const WS_MAX_PAYLOAD = 64 * 1024;

export interface FuzzFrame {
  kind: string;
  data: string | Buffer;
  binary: boolean;
  /** The server must close the connection for it, with this code. */
  closes?: number;
}

const TYPES = ['"subscribe"', '"unsubscribe"', '"publish"', '"ping"'];

function protocolFrame(r: Random): string {
  const type = pick(r, TYPES);
  const field = () =>
    pick(r, [
      `"channel":${r() < 0.5 ? nastyString(r) : nastyValue(r)}`,
      `"id":${r() < 0.5 ? nastyString(r) : nastyValue(r)}`,
      `"data":${nastyValue(r)}`,
      `"since":${pick(r, ['0', '-1', '1.5', '1e400', '"3"', 'null', '[]', '12345678901234567890', String(int(r, 0, 50))])}`,
      `"presence":${pick(r, ['true', 'false', '"yes"', '1', 'null'])}`,
      `"type":${nastyValue(r)}`,
    ]);
  const fields = [`"type":${type}`, ...Array.from({ length: int(r, 0, 4) }, field)];
  return `{${fields.join(',')}}`;
}

function validFrame(r: Random): string {
  const channel = `fz-${int(r, 0, 5)}`;
  return JSON.stringify(
    pick(r, [
      { type: 'subscribe', channel, since: int(r, 0, 5) },
      { type: 'unsubscribe', channel },
      { type: 'publish', channel, data: { n: int(r, 0, 1000) }, id: `fz-${int(r, 0, 300)}` },
      { type: 'ping', id: int(r, 0, 9) },
    ]),
  );
}

export function fuzzFrame(r: Random): FuzzFrame {
  const text = (kind: string, data: string): FuzzFrame => {
    const big = Buffer.byteLength(data) > WS_MAX_PAYLOAD;
    return big ? { kind, data, binary: false, closes: 1009 } : { kind, data, binary: false };
  };
  const roll = r();
  if (roll < 0.3) return text('protocol frame, hostile fields', protocolFrame(r));
  if (roll < 0.4) return text('valid frame', validFrame(r));
  if (roll < 0.5) return text('mangled frame', mangle(r, r() < 0.5 ? validFrame(r) : protocolFrame(r)));
  if (roll < 0.58) return text('not an object', nastyValue(r));
  if (roll < 0.64) {
    const id = pick(r, [nestedArrays(40_000), `"${'\\ud800'.repeat(10)}"`, '1e400', '"x"']);
    return text(
      'publish, nested or lone-surrogate id',
      `{"type":"publish","channel":"fz-1","data":1,"id":${id}}`,
    );
  }
  if (roll < 0.7) {
    const data = r() < 0.5 ? nestedObjects(4500) : nestedArrays(9000);
    return text(
      'publish, 4,500-deep data',
      `{"type":"publish","channel":"fz-2","data":${data},"id":"deep-${int(r, 0, 99)}"}`,
    );
  }
  if (roll < 0.76) return text('ping, hostile id', `{"type":"ping","id":${nastyValue(r)}}`);
  if (roll < 0.82) return { kind: 'binary frame', data: bytes(r, int(r, 0, 2000)), binary: true };
  if (roll < 0.87) return text('unknown or missing type', `{"type":${nastyValue(r)},"channel":"fz-1"}`);
  if (roll < 0.9)
    return text('prototype keys', `{"type":"subscribe","channel":"fz-3","__proto__":{"since":-5}}`);
  if (roll < 0.95) return text('empty or blank', pick(r, ['', ' ', '\n', '{}', '{"type":""}']));
  if (roll < 0.98)
    return text(
      'oversized frame',
      JSON.stringify({ type: 'publish', channel: 'fz-1', data: 'x'.repeat(WS_MAX_PAYLOAD) }),
    );
  // Invalid UTF-8 in a text frame: RFC 6455 says close with 1007.
  return {
    kind: 'invalid UTF-8 text',
    data: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
    binary: false,
    closes: 1007,
  };
}
