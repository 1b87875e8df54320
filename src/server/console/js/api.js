// Calls to the server's HTTP API with the API key kept in sessionStorage (gone when the tab closes).
// Errors come back in the server's one shape, {"error": {"code", "message"}}, and are thrown as ApiError.
const KEY = 'paasport.apiKey';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const session = {
  get key() {
    return sessionStorage.getItem(KEY);
  },
  set key(value) {
    if (value) sessionStorage.setItem(KEY, value);
    else sessionStorage.removeItem(KEY);
  },
};

/** JSON in and out; `raw: true` returns the Response (downloads). */
export async function api(path, { method = 'GET', body, raw = false } = {}) {
  const headers = { Authorization: `Bearer ${session.key}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    const text = await res.text();
    let error = { code: `http_${res.status}`, message: text || res.statusText };
    try {
      error = JSON.parse(text).error ?? error;
    } catch {
      // Not JSON (a proxy's page): keep the text.
    }
    throw new ApiError(res.status, error.code, error.message);
  }
  if (raw) return res;
  return res.status === 204 ? null : res.json();
}

/** A short-lived client token for the live tail's WebSocket, so the API key never goes into a URL. */
export async function tailToken(channel) {
  return api('/v1/tokens', { method: 'POST', body: { subscribe: [channel], ttl: 3600, sub: 'console' } });
}
