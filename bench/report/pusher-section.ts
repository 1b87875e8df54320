// Section 8 of docs/benchmarks.md: the Pusher face beside paasport's own protocol, from the result file that
// `bench/pusher-face.ts` writes (a separate run, not part of `npm run bench`).
import { loadJson } from '../lib/results.js';
import { table } from './format.js';

type Row = {
  face: 'paasport' | 'pusher';
  subscribers: number;
  messages: number;
  delivered: number;
  deliveriesPerSecond: number;
  p50ms: number;
  p99ms: number;
  rssKiBPerConnection: number;
};

const faces: Record<Row['face'], string> = { paasport: 'paasport protocol', pusher: 'Pusher face' };

export function pusherSection(): string {
  const result = loadJson<{ at: string; rows: Row[] }>('pusher-face');
  const intro = `One server (PostgreSQL + Redis), one channel, raw WebSocket subscribers held by the load process,
messages published over HTTP at 50/s: paasport's own protocol (\`/v1/ws\`, \`POST /v1/channels/:channel/messages\`)
against the Pusher face (\`/app/{key}\`, signed \`POST /apps/{id}/events\`). RSS per connection is the server's growth
from idle to all subscribers connected, divided by their number. Run with
\`node --import tsx bench/pusher-face.ts [subscribers] [messages]\` (\`BENCH_PG_URL\`, \`BENCH_REDIS_URL\`); it is a run
of its own, not part of \`npm run bench\`, so compare its rows only with each other.`;
  if (!result) return `${intro}\n\n_No result yet: run bench/pusher-face.ts._\n`;
  const rows = result.rows.map((r) => [
    faces[r.face],
    String(r.subscribers),
    String(r.messages),
    `${(r.delivered * 100).toFixed(1)}%`,
    String(Math.round(r.deliveriesPerSecond)),
    String(Math.round(r.p50ms)),
    String(Math.round(r.p99ms)),
    r.rssKiBPerConnection.toFixed(1),
  ]);
  rows.push(['Soketi', '–', '–', '–', '–', '–', '–', '–']);
  return `${intro}

Measured ${result.at}.

${table(['Face', 'Subscribers', 'Messages at 50/s', 'Delivered', 'Deliveries/s', 'p50 ms', 'p99 ms', 'RSS KiB/connection'], rows)}

Soketi could not be measured: \`npm install @soketi/soketi\` fails on this machine because it fetches
\`uWebSockets.js\` from GitHub, which is unreachable here.
`;
}
