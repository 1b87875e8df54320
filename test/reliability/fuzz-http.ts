// Seeded HTTP requests for the fuzzer: hostile JSON bodies for publishing, token minting and direct uploads,
// wrong content types and encodings, odd paths (bad percent-encoding, lone surrogates, huge names), odd
// query strings and Authorization headers. Every answer must be below 500.
import { bytes, mangle, nastyString, nastyValue } from './fuzz-values.js';
import { int, pick, type Random } from './random.js';

export interface FuzzRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

const CHANNEL_PATHS = [
  'fz-1',
  '%ED%A0%80',
  '%FF%FE',
  '%00',
  '..%2F..%2Fetc',
  '%',
  'a'.repeat(5000),
  '%F0%9F%98%80',
  'fz-1%0A',
];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
];
const QUERY_VALUES = [
  '-1',
  '1e400',
  '1.5',
  'abc',
  '',
  '99999999999999999999',
  '%ZZ',
  '0x10',
  '2026-13-45T99:00:00Z',
];

function body(r: Random): string {
  const parts = [
    `"data":${nastyValue(r)}`,
    `"id":${r() < 0.5 ? nastyString(r) : nastyValue(r)}`,
    `${nastyString(r)}:1`,
  ];
  const chosen = parts.filter(() => r() < 0.6);
  const text = `{${chosen.join(',')}}`;
  return r() < 0.15 ? mangle(r, text) : r() < 0.1 ? nastyValue(r) : text;
}

function tokenBody(r: Random): string {
  const fields = [
    `"subscribe":${pick(r, ['"x"', '["room-*"]', '[1]', `[${nastyString(r)}]`, nastyValue(r)])}`,
    `"publish":${pick(r, ['[]', '["*"]', nastyValue(r)])}`,
    `"ttl":${pick(r, ['1e400', '-1', '0', '604801', '1.5', '"60"', '60'])}`,
    `"sub":${nastyString(r)}`,
    `"files":${pick(r, ['["delete"]', '["upload","upload","read"]', '"read"', nastyValue(r)])}`,
  ];
  return `{${fields.filter(() => r() < 0.6).join(',')}}`;
}

function uploadBody(r: Random): string {
  const fields = [
    `"name":${nastyString(r)}`,
    `"contentType":${pick(r, ['"image/png"', '"text/html"', '"x"', '"a/b/c"', nastyString(r)])}`,
    `"size":${pick(r, ['-1', '0', '1e400', '1.5', '"10"', '10', '999999999999999'])}`,
  ];
  return `{${fields.filter(() => r() < 0.7).join(',')}}`;
}

export function fuzzRequest(r: Random, apiKey: string): FuzzRequest {
  const auth = { authorization: `Bearer ${apiKey}` };
  const json = (ct = 'application/json'): Record<string, string> => (ct ? { 'content-type': ct } : {});
  const roll = r();
  if (roll < 0.45) {
    const ct = r() < 0.8 ? 'application/json' : pick(r, CONTENT_TYPES);
    const channel = r() < 0.8 ? `fz-${int(r, 0, 5)}` : pick(r, CHANNEL_PATHS);
    return {
      kind: 'publish body',
      method: 'POST',
      path: `/v1/channels/${channel}/messages`,
      headers: { ...auth, ...json(ct) },
      body: body(r),
    };
  }
  if (roll < 0.55) {
    const q = `since=${pick(r, QUERY_VALUES)}&limit=${pick(r, QUERY_VALUES)}${r() < 0.3 ? '&since=1&since=2' : ''}`;
    return {
      kind: 'history query',
      method: 'GET',
      path: `/v1/channels/${pick(r, CHANNEL_PATHS)}/messages?${q}`,
      headers: auth,
    };
  }
  if (roll < 0.62) {
    const q = `from=${pick(r, QUERY_VALUES)}&to=${pick(r, QUERY_VALUES)}${r() < 0.3 ? '&from[x]=1' : ''}`;
    return { kind: 'count query', method: 'GET', path: `/v1/channels/fz-1/count?${q}`, headers: auth };
  }
  if (roll < 0.72)
    return {
      kind: 'token body',
      method: 'POST',
      path: '/v1/tokens',
      headers: { ...auth, ...json() },
      body: tokenBody(r),
    };
  if (roll < 0.8)
    return {
      kind: 'upload body',
      method: 'POST',
      path: '/v1/files/uploads',
      headers: { ...auth, ...json() },
      body: uploadBody(r),
    };
  if (roll < 0.85) {
    const headers = {
      ...auth,
      'content-type': 'application/json',
      'content-encoding': pick(r, ['gzip', 'deflate', 'br', 'x-unknown']),
    };
    return {
      kind: 'bogus content-encoding',
      method: 'POST',
      path: '/v1/channels/fz-1/messages',
      headers,
      body: bytes(r, int(r, 0, 300)),
    };
  }
  if (roll < 0.9) {
    const authorization = pick(r, [
      'Bearer',
      'Bearer a b',
      'Basic Zm9vOmJhcg==',
      `Bearer ${'x'.repeat(4000)}`,
      'Bearer eyJhbGciOiJub25lIn0.eyJzdWJzY3JpYmUiOlsiKiJdfQ.',
      'bearer  ',
    ]);
    return {
      kind: 'odd Authorization',
      method: 'POST',
      path: '/v1/channels/fz-1/messages',
      headers: { authorization, ...json() },
      body: '{"data":1}',
    };
  }
  if (roll < 0.94) {
    const id = pick(r, ['%ED%A0%80', 'x'.repeat(3000), '..%2F..', '%00', 'AAAAAAAAAAAAAAAAAAAAAA']);
    return {
      kind: 'file id',
      method: pick(r, ['GET', 'DELETE', 'HEAD']),
      path: `/v1/files/${id}`,
      headers: auth,
    };
  }
  if (roll < 0.97) {
    return {
      kind: 'body over BODY_LIMIT',
      method: 'POST',
      path: '/v1/channels/fz-1/messages',
      headers: { ...auth, ...json() },
      body: `{"data":"${'x'.repeat(1_100_000)}"}`,
    };
  }
  return {
    kind: 'binary body',
    method: 'POST',
    path: '/v1/channels/fz-1/messages',
    headers: { ...auth, ...json() },
    body: bytes(r, int(r, 1, 3000)),
  };
}
