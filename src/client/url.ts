// Where the client connects: the given server URL turned into its `/v1/ws` WebSocket URL, or, in a page that
// imported the client from a paasport server's /v1/client.js, that server.

export function socketUrl(given: string | undefined): string {
  const base = given ?? servedFrom();
  if (!base) throw new TypeError('url is required (the server, e.g. "https://rt.example.com")');
  const m = /^(https?|wss?):\/\/([^/?#]+)([^?#]*)/i.exec(base);
  if (!m) throw new TypeError(`url must be an http(s) or ws(s) URL, not "${base}"`);
  const scheme = (m[1] as string).toLowerCase();
  const ws = scheme === 'https' || scheme === 'wss' ? 'wss' : 'ws';
  const path = (m[3] ?? '').replace(/\/+$/, '');
  return `${ws}://${m[2]}${path.endsWith('/v1/ws') ? path : `${path}/v1/ws`}`;
}

/** The origin this module was served from, when that is an HTTP(S) server (not a file or a package). */
function servedFrom(): string | undefined {
  const here = (import.meta as { url?: string }).url ?? '';
  return /^https?:\/\//.test(here) ? here.replace(/^(https?:\/\/[^/]+).*$/, '$1') : undefined;
}
