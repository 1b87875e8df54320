// Peer: Socket.IO 4 with `@socket.io/redis-adapter`, what a Node user would deploy for multi-replica
// rooms. Events mirror paasport's frames: `subscribe` joins a room, `publish` emits `message` to it.
// `--recovery` swaps Redis for the in-memory adapter with connection-state recovery, which the Redis
// pub/sub adapter does not support, so the recovery scenario has a Socket.IO figure to compare.
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';

const recovery = process.argv.includes('--recovery');
const port = Number(process.env.PORT ?? 0);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const key = process.env.REDIS_KEY_PREFIX ?? 'bench-socketio';

const http = createServer((req, res) => {
  if (req.url?.startsWith('/socket.io')) return;
  res.writeHead(req.url === '/readyz' ? 200 : 404, { 'content-type': 'text/plain' }).end();
});

const io = new Server(http, {
  serveClient: false,
  ...(recovery ? { connectionStateRecovery: { maxDisconnectionDuration: 120_000 } } : {}),
});

let closeRedis = async () => {};
if (!recovery) {
  const pub = createClient({ url: redisUrl });
  const sub = pub.duplicate();
  pub.on('error', (e) => console.error('redis pub', e));
  sub.on('error', (e) => console.error('redis sub', e));
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub, { key }));
  closeRedis = async () => {
    await Promise.allSettled([pub.quit(), sub.quit()]);
  };
}

// Offsets are per replica here; Socket.IO has no shared per-room sequence, the clients only count.
const offsets = new Map<string, number>();

io.on('connection', (socket) => {
  socket.on('subscribe', (channel: unknown, ack?: (r: unknown) => void) => {
    if (typeof channel !== 'string') return ack?.({ error: 'channel must be a string' });
    socket.join(channel);
    ack?.({ channel, offset: offsets.get(channel) ?? 0, recovered: socket.recovered });
  });
  socket.on(
    'publish',
    (msg: { channel?: unknown; data?: unknown; id?: unknown }, ack?: (r: unknown) => void) => {
      if (typeof msg?.channel !== 'string') return ack?.({ error: 'channel must be a string' });
      const offset = (offsets.get(msg.channel) ?? 0) + 1;
      offsets.set(msg.channel, offset);
      const id = typeof msg.id === 'string' ? msg.id : `${msg.channel}-${offset}`;
      io.to(msg.channel).emit('message', {
        channel: msg.channel,
        offset,
        id,
        data: msg.data,
        ts: Date.now(),
      });
      ack?.({ id, offset });
    },
  );
});

http.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  io.close();
  void closeRedis().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
});
