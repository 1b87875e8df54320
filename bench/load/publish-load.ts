// Load process of the publish scenario: keeps `concurrency` publishes in flight for a fixed time over undici
// keep-alive connections (HTTP) or WebSocket connections (paasport's publish frames with acks), spread over
// a few channels, and reports acknowledged publishes, latency percentiles and its own CPU. One run per
// process: `node --import tsx publish-load.ts '<json spec>'` prints one JSON line.
import { Pool } from 'undici';
import { WebSocket } from 'ws';

export type PublishMode = 'http' | 'http-batch' | 'ws' | 'centrifugo';

export type LoadSpec = {
  mode: PublishMode;
  /** HTTP origin, or the WebSocket URL for `ws`. */
  url: string;
  /** Bearer key (paasport) or X-API-Key (Centrifugo); empty for none. */
  apiKey: string;
  concurrency: number;
  channels: string[];
  seconds: number;
  /** Messages per request in `http-batch`. */
  batch: number;
  payloadBytes: number;
};

export type LoadResult = {
  /** Acknowledged messages (a batch counts its committed items). */
  ok: number;
  failed: number;
  firstError: string;
  /** Per request (or per frame), in ms. */
  p50Ms: number;
  p99Ms: number;
  seconds: number;
  clientCpuMs: number;
};

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
const data = { kind: 'bench', text: 'x'.repeat(spec.payloadBytes) };
const latencies: number[] = [];
let ok = 0;
let failed = 0;
let firstError = '';
const fail = (m: string) => {
  failed++;
  if (!firstError) firstError = m.slice(0, 300);
};

function request(k: number): { path: string; body: string; headers: Record<string, string> } {
  const channel = spec.channels[k % spec.channels.length] as string;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (spec.mode === 'centrifugo') {
    if (spec.apiKey) headers['x-api-key'] = spec.apiKey;
    return { path: '/api/publish', body: JSON.stringify({ channel, data }), headers };
  }
  if (spec.apiKey) headers.authorization = `Bearer ${spec.apiKey}`;
  if (spec.mode === 'http-batch') {
    const messages = Array.from({ length: spec.batch }, (_, i) => ({
      channel: spec.channels[(k + i) % spec.channels.length],
      data,
    }));
    return { path: '/v1/publish-batch', body: JSON.stringify({ messages }), headers };
  }
  return { path: `/v1/channels/${channel}/messages`, body: JSON.stringify({ data }), headers };
}

/** Messages a 2xx answer acknowledges: every item of a batch that carries an offset. */
function acknowledged(text: string): number {
  if (spec.mode === 'http-batch') {
    const body = JSON.parse(text) as { results: { offset?: number; error?: { code: string } }[] };
    const bad = body.results.filter((r) => r.offset === undefined);
    if (bad.length > 0) fail(`batch item failed: ${JSON.stringify(bad[0])}`);
    return body.results.length - bad.length;
  }
  if (spec.mode === 'centrifugo') {
    const body = JSON.parse(text) as { error?: { message: string } };
    if (body.error) {
      fail(`centrifugo: ${body.error.message}`);
      return 0;
    }
  }
  return 1;
}

async function runHttp(until: number): Promise<void> {
  const pool = new Pool(spec.url, { connections: spec.concurrency, pipelining: 1 });
  let k = 0;
  const worker = async () => {
    while (performance.now() < until) {
      const r = request(k++);
      const t0 = performance.now();
      try {
        const res = await pool.request({ method: 'POST', ...r });
        const text = await res.body.text();
        latencies.push(performance.now() - t0);
        if (res.statusCode >= 200 && res.statusCode < 300) ok += acknowledged(text);
        else fail(`HTTP ${res.statusCode}: ${text}`);
      } catch (err) {
        fail(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, worker));
  await pool.close();
}

/** `concurrency` frames in flight over up to 10 connections; each ack (in order per connection) frees one. */
async function runWs(until: number): Promise<void> {
  const conns = Math.min(10, spec.concurrency);
  const done = Array.from({ length: conns }, (_, c) => {
    const inFlight = Math.floor(spec.concurrency / conns) + (c < spec.concurrency % conns ? 1 : 0);
    return new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(spec.url, { perMessageDeflate: false });
      const sentAt: number[] = [];
      let k = c;
      const send = () => {
        const channel = spec.channels[k++ % spec.channels.length];
        sentAt.push(performance.now());
        ws.send(JSON.stringify({ type: 'publish', channel, data }));
      };
      ws.on('open', () => {
        for (let i = 0; i < inFlight; i++) send();
      });
      ws.on('message', (raw: Buffer) => {
        const frame = JSON.parse(raw.toString()) as { type: string; code?: string; message?: string };
        if (frame.type !== 'ack' && frame.type !== 'error') return;
        latencies.push(performance.now() - (sentAt.shift() ?? performance.now()));
        if (frame.type === 'ack') ok++;
        else fail(`${frame.code}: ${frame.message}`);
        if (performance.now() < until) send();
        else if (sentAt.length === 0) ws.close();
      });
      ws.on('close', () => resolve());
      ws.on('error', reject);
    });
  });
  await Promise.all(done);
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

const cpu0 = process.cpuUsage();
const started = performance.now();
const until = started + spec.seconds * 1000;
await (spec.mode === 'ws' ? runWs(until) : runHttp(until));
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpu0);
latencies.sort((a, b) => a - b);
const result: LoadResult = {
  ok,
  failed,
  firstError,
  p50Ms: percentile(latencies, 0.5),
  p99Ms: percentile(latencies, 0.99),
  seconds,
  clientCpuMs: (cpu.user + cpu.system) / 1000,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
