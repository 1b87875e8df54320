// Small helpers for client tests: minting tokens over HTTP, and waiting (bounded) for a client event.
import type { Client, ClientEvents } from '../../src/client/index.js';

export async function mintToken(
  baseUrl: string,
  key: string,
  grant: Record<string, unknown>,
): Promise<{ token: string; expiresAt: string }> {
  const res = await fetch(`${baseUrl}/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(grant),
  });
  if (res.status !== 201) throw new Error(`minting a token failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { token: string; expiresAt: string };
}

/** Resolves with the first `state` event matching pred (from now on); rejects after timeoutMs. */
export function nextState(
  client: Client,
  pred: (e: ClientEvents['state']) => boolean,
  timeoutMs = 15_000,
): Promise<ClientEvents['state']> {
  return new Promise((resolve, reject) => {
    const seen: string[] = [];
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching state within ${timeoutMs} ms; saw ${seen.join(', ') || 'nothing'}`));
    }, timeoutMs);
    const off = client.on('state', (e) => {
      seen.push(`${e.state}${e.error ? `(${e.error.kind}/${e.error.code})` : ''}`);
      if (!pred(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
