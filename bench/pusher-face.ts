// The Pusher face beside paasport's own protocol on the same server build: fan-out of one channel to N
// raw WebSocket subscribers (publish-to-receive latency, deliveries/s) and server RSS per subscribed
// connection. Separate from `npm run bench`; run with `node --import tsx bench/pusher-face.ts [N] [M]`
// (BENCH_PG_URL and BENCH_REDIS_URL as for the main bench). Writes bench/results/pusher-face.json.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createDatabase, dbUrl, dropDatabase, REDIS_URL } from './lib/pg.js';
import { Child, freePort, ROOT, rssBytes, sleep, waitHttpOk } from './lib/proc.js';
import { Histogram } from './lib/stats.js';

const N = Number(process.argv[2] ?? 1000);
const M = Number(process.argv[3] ?? 200);
const RATE = 50;
const APP = { id: 'bench', key: 'bench-key', secret: randomBytes(24).toString('hex') };
const API_KEY = randomBytes(16).toString('hex');

type Face = 'paasport' | 'pusher';

function subscribeFrame(face: Face): string {
  return face === 'pusher'
    ? JSON.stringify({ event: 'pusher:subscribe', data: { channel: 'fan' } })
    : JSON.stringify({ type: 'subscribe', channel: 'fan' });
}

/** The send time carried by a delivered frame, or undefined for control frames. */
function sentAt(face: Face, text: string): number | undefined {
  const m = JSON.parse(text) as { type?: string; event?: string; data?: unknown };
  if (face === 'pusher')
    return m.event === 'tick' ? (JSON.parse(m.data as string) as { t: number }).t : undefined;
  return m.type === 'message' ? (m.data as { t: number }).t : undefined;
}

function isSubscribed(face: Face, text: string): boolean {
  return face === 'pusher' ? text.includes('subscription_succeeded') : text.includes('"subscribed"');
}

async function publish(face: Face, base: string, t: number): Promise<void> {
  if (face === 'paasport') {
    const res = await fetch(`${base}/v1/channels/fan/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ data: { t } }),
    });
    if (!res.ok) throw new Error(`publish ${res.status}`);
    return;
  }
  const body = JSON.stringify({ name: 'tick', channel: 'fan', data: JSON.stringify({ t }) });
  const md5 = createHash('md5').update(body).digest('hex');
  const q = `auth_key=${APP.key}&auth_timestamp=${Math.floor(Date.now() / 1000)}&auth_version=1.0&body_md5=${md5}`;
  const sig = createHmac('sha256', APP.secret).update(`POST\n/apps/${APP.id}/events\n${q}`).digest('hex');
  const res = await fetch(`${base}/apps/${APP.id}/events?${q}&auth_signature=${sig}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  if (!res.ok) throw new Error(`trigger ${res.status}`);
}

async function run(face: Face) {
  const db = await createDatabase('bench_pusher');
  const port = await freePort();
  const server = new Child(join(ROOT, 'src/server/main.ts'), [], {
    name: `paasport-${face}-face`,
    tsx: true,
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: dbUrl(db),
      REDIS_URL,
      REDIS_KEY_PREFIX: `b${randomBytes(3).toString('hex')}:`,
      API_KEYS: API_KEY,
      PUBLIC_CHANNELS: 'fan',
      RATE_LIMIT_ENABLED: 'false',
      WS_MAX_CONNECTIONS: String(N + 100),
      PUSHER_APP_ID: APP.id,
      PUSHER_APP_KEY: APP.key,
      PUSHER_APP_SECRET: APP.secret,
    },
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitHttpOk(`${base}/readyz`, 60_000, server);
    await sleep(1000);
    const rssBefore = rssBytes(server.pid);
    const hist = new Histogram();
    let received = 0;
    const path = face === 'pusher' ? `/app/${APP.key}?protocol=7` : `/v1/ws`;
    const sockets: WebSocket[] = [];
    for (let i = 0; i < N; i++) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('subscribe timed out')), 15_000);
        ws.on('error', reject);
        ws.on('open', () => ws.send(subscribeFrame(face)));
        ws.on('message', (d) => {
          const text = d.toString();
          if (isSubscribed(face, text)) {
            clearTimeout(timer);
            resolve();
            return;
          }
          const t = sentAt(face, text);
          if (t !== undefined) {
            received++;
            hist.record(performance.timeOrigin + performance.now() - t);
          }
        });
      });
      sockets.push(ws);
    }
    await sleep(2000);
    const perConnection = (rssBytes(server.pid) - rssBefore) / N;
    const start = performance.now();
    // Publishes go out on schedule without waiting for earlier answers, so a slow answer does not slow the rate.
    const sent: Promise<void>[] = [];
    for (let i = 0; i < M; i++) {
      const due = start + (i * 1000) / RATE;
      await sleep(Math.max(0, due - performance.now()));
      sent.push(publish(face, base, performance.timeOrigin + performance.now()));
    }
    await Promise.all(sent);
    const deadline = Date.now() + 30_000;
    while (received < N * M && Date.now() < deadline) await sleep(50);
    const seconds = (performance.now() - start) / 1000;
    for (const ws of sockets) ws.terminate();
    return {
      face,
      subscribers: N,
      messages: M,
      delivered: received / (N * M),
      deliveriesPerSecond: Math.round(received / seconds),
      p50ms: hist.quantile(0.5),
      p99ms: hist.quantile(0.99),
      rssKiBPerConnection: Math.round(perConnection / 102.4) / 10,
    };
  } finally {
    await server.stop();
    await dropDatabase(db).catch(() => {});
  }
}

const rows = [];
for (const face of ['paasport', 'pusher'] as const) rows.push(await run(face));
writeFileSync(
  join(ROOT, 'bench/results/pusher-face.json'),
  `${JSON.stringify({ at: new Date().toISOString(), rows }, null, 2)}\n`,
);
console.log(
  '| Face | Subscribers | Messages at 50/s | Delivered | Deliveries/s | p50 ms | p99 ms | RSS KiB/connection |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows)
  console.log(
    `| ${r.face} | ${r.subscribers} | ${r.messages} | ${(r.delivered * 100).toFixed(1)}% | ${r.deliveriesPerSecond} | ${r.p50ms.toFixed(1)} | ${r.p99ms.toFixed(1)} | ${r.rssKiBPerConnection} |`,
  );
