// A WebSocket test client for the channel protocol: records every frame, waits (bounded) for frames
// matching a predicate, and offers small HTTP helpers for the channel API.
import { WebSocket } from 'ws';

export type Frame = Record<string, unknown> & { type: string };

export class WsClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as Frame);
      for (const w of this.#waiters) w();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        for (const w of this.#waiters) w();
        resolve({ code, reason: reason.toString() });
      });
    });
  }

  static connect(url: string, opts: { timeoutMs?: number } = {}): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      const client = new WsClient(ws);
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`connect to ${url} timed out`));
      }, opts.timeoutMs ?? 10_000);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve(client);
      });
      ws.once('unexpected-response', (_req, res) => {
        clearTimeout(timer);
        let body = '';
        res.on('data', (d: Buffer) => {
          body += d.toString();
        });
        res.on('end', () =>
          reject(
            Object.assign(new Error(`upgrade refused: ${res.statusCode} ${body}`), {
              status: res.statusCode,
              body,
              headers: res.headers,
            }),
          ),
        );
      });
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  send(frame: Record<string, unknown> | string): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Resolves with the first frame (at or after index `from`) matching pred; rejects after timeoutMs. */
  waitFor(pred: (f: Frame) => boolean, opts: { timeoutMs?: number; from?: number } = {}): Promise<Frame> {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    let cursor = opts.from ?? 0;
    return new Promise((resolve, reject) => {
      const check = () => {
        for (; cursor < this.frames.length; cursor++) {
          const f = this.frames[cursor] as Frame;
          if (pred(f)) {
            done();
            resolve(f);
            return;
          }
        }
        if (this.ws.readyState === WebSocket.CLOSED) {
          done();
          reject(new Error(`socket closed while waiting; frames: ${JSON.stringify(this.frames.slice(-5))}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(`timed out waiting for a frame; last frames: ${JSON.stringify(this.frames.slice(-5))}`),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Sends a frame and waits for the reply of the given type (or an error) that follows it. */
  async request(frame: Record<string, unknown>, replyType: string): Promise<Frame> {
    const from = this.frames.length;
    this.send(frame);
    return this.waitFor((f) => f.type === replyType || f.type === 'error', { from });
  }

  messages(channel: string): Frame[] {
    return this.frames.filter((f) => f.type === 'message' && f.channel === channel);
  }

  /** Waits until `count` messages of the channel arrived. */
  async waitMessages(channel: string, count: number, timeoutMs = 15_000): Promise<Frame[]> {
    await this.waitFor(() => this.messages(channel).length >= count, { timeoutMs });
    return this.messages(channel);
  }

  close(): void {
    this.ws.terminate();
  }
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected field by field in tests
type Json = any;

export interface Api {
  post(path: string, body: unknown, key?: string): Promise<{ status: number; body: Json; headers: Headers }>;
  get(path: string, key?: string): Promise<{ status: number; body: Json; headers: Headers }>;
}

export function api(baseUrl: string, defaultKey?: string): Api {
  const call = async (method: string, path: string, body: unknown, key: string | undefined) => {
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let parsed: Json = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    post: (path, body, key = defaultKey) => call('POST', path, body, key),
    get: (path, key = defaultKey) => call('GET', path, undefined, key),
  };
}

/** Offsets of message frames, for gap and duplicate checks. */
export const offsets = (frames: Frame[]) => frames.map((f) => Number(f.offset));

/** 1..n (or from..to) as an array. */
export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * Opens a socket the server is expected to refuse (it accepts, then closes at once with a 4xxx code and a
 * reason) and resolves with that close; a frame, an HTTP refusal or no close within 10 s fails.
 */
export function refusedWith(url: string): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no refusal from ${url} within 10 s`));
    }, 10_000);
    ws.on('message', (data) => reject(new Error(`expected a refusal, got a frame: ${String(data)}`)));
    ws.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`expected a refusal close, got HTTP ${res.statusCode}`));
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.once('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString() });
    });
  });
}
