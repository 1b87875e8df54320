// Pusher's HTTP API under /apps/{id}: trigger events (one or a batch), query channels and presence users,
// terminate a user's connections. Every call is signed (auth_key, auth_timestamp, auth_version, body_md5,
// auth_signature); answers and errors are shaped as Pusher's, plain-text errors included.
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { failureLevel } from '../drivers/outage.js';
import type { PusherApp } from './apps.js';
import { isValidName, kindOf } from './channel-names.js';
import type { Face } from './face.js';
import { checkRequestSignature } from './signature.js';

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Handler = (face: Face, app: PusherApp, req: Request, body: unknown) => Promise<unknown>;

interface EventInput {
  name: unknown;
  data: unknown;
  channels?: unknown;
  channel?: unknown;
  socket_id?: unknown;
  info?: unknown;
}

function checkEvent(app: PusherApp, e: EventInput): { name: string; data: string; channels: string[] } {
  if (typeof e.name !== 'string' || e.name.length === 0 || e.name.length > 200)
    throw new ApiError(400, 'name must be a string of 1-200 characters');
  if (typeof e.data !== 'string') throw new ApiError(400, 'data must be a string');
  if (Buffer.byteLength(e.data) > app.maxEventPayloadBytes)
    throw new ApiError(413, `Payload too large: data is larger than ${app.maxEventPayloadBytes} bytes`);
  const channels = Array.isArray(e.channels) ? e.channels : e.channel !== undefined ? [e.channel] : [];
  if (channels.length === 0 || channels.length > 100)
    throw new ApiError(400, 'channels must name 1-100 channels');
  for (const c of channels)
    if (typeof c !== 'string' || !isValidName(c))
      throw new ApiError(400, `Invalid channel name ${String(c)}`);
  if (e.socket_id !== undefined && (typeof e.socket_id !== 'string' || !/^\d+\.\d+$/.test(e.socket_id)))
    throw new ApiError(400, 'Invalid socket_id');
  return { name: e.name, data: e.data, channels: channels as string[] };
}

async function channelInfo(face: Face, app: PusherApp, name: string, info: string[]) {
  const ref = face.ref(app, name);
  const out: Record<string, number> = {};
  if (info.includes('subscription_count'))
    out.subscription_count = await face.occupancy.subscriptionCount(ref.stored);
  if (info.includes('user_count') && kindOf(name).presence)
    out.user_count = (await face.occupancy.members(ref.stored)).length;
  return out;
}

const infoOf = (v: unknown) => (typeof v === 'string' && v !== '' ? v.split(',') : []);

async function trigger(face: Face, app: PusherApp, e: EventInput) {
  const { name, data, channels } = checkEvent(app, e);
  const socketId = e.socket_id as string | undefined;
  await Promise.all(
    channels.map((channel) =>
      face.publish(app, { event: name, channel, data, ...(socketId ? { socket_id: socketId } : {}) }),
    ),
  );
  const info = infoOf(e.info);
  if (info.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const c of channels) out[c] = await channelInfo(face, app, c, info);
  return out;
}

const events: Handler = async (face, app, _req, body) => {
  const channels = await trigger(face, app, (body ?? {}) as EventInput);
  return channels ? { channels } : {};
};

const batchEvents: Handler = async (face, app, _req, body) => {
  const batch = (body as { batch?: unknown } | undefined)?.batch;
  if (!Array.isArray(batch) || batch.length === 0 || batch.length > 10)
    throw new ApiError(400, 'batch must hold 1-10 events');
  for (const e of batch) checkEvent(app, e as EventInput);
  const results = await Promise.all(batch.map((e) => trigger(face, app, e as EventInput)));
  if (results.every((r) => r === undefined)) return {};
  return { batch: results.map((r, i) => (r ? (r[(batch[i] as EventInput).channel as string] ?? {}) : {})) };
};

const channels: Handler = async (face, app, req) => {
  const prefix = typeof req.query.filter_by_prefix === 'string' ? req.query.filter_by_prefix : '';
  const info = infoOf(req.query.info);
  if (info.includes('user_count') && !prefix.startsWith('presence-'))
    throw new ApiError(400, 'user_count may only be requested with filter_by_prefix=presence-');
  const out: Record<string, unknown> = {};
  for (const name of (await face.occupancy.channels(app.id)).keys())
    if (name.startsWith(prefix)) out[name] = await channelInfo(face, app, name, info);
  return { channels: out };
};

const channel: Handler = async (face, app, req) => {
  const name = String(req.params.channel);
  if (!isValidName(name)) throw new ApiError(400, `Invalid channel name ${name}`);
  const info = infoOf(req.query.info);
  if (info.includes('user_count') && !kindOf(name).presence)
    throw new ApiError(400, 'user_count is only available on presence channels');
  const count = await face.occupancy.subscriptionCount(face.ref(app, name).stored);
  return { occupied: count > 0, ...(await channelInfo(face, app, name, info)) };
};

const users: Handler = async (face, app, req) => {
  const name = String(req.params.channel);
  if (!isValidName(name) || !kindOf(name).presence)
    throw new ApiError(400, 'Users are only available on presence channels');
  const members = await face.occupancy.members(face.ref(app, name).stored);
  return { users: members.map((m) => ({ id: m.user_id })) };
};

const terminate: Handler = async (face, app, req) => {
  await face.deps.bus.publish(
    face.userTopic(),
    JSON.stringify({ app: app.id, user: String(req.params.user) }),
  );
  return {};
};

export function pusherRouter(face: Face, maxBody: number): Router {
  const router = Router();
  const raw = express.raw({ type: () => true, limit: maxBody });
  const wrap = (handler: Handler) => async (req: Request, res: Response, next: NextFunction) => {
    try {
      const app = face.apps.byId(String(req.params.appId));
      if (!app) throw new ApiError(404, 'Unknown app');
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const path = decodeURIComponent(new URL(req.originalUrl, 'http://x').pathname);
      const query = new URL(req.originalUrl, 'http://x').searchParams;
      const bad = checkRequestSignature(
        app,
        req.method,
        path,
        query,
        body,
        Date.now(),
        face.settings.timestampSkewMs,
      );
      if (bad) throw new ApiError(401, bad);
      let parsed: unknown;
      if (body.length > 0) {
        try {
          parsed = JSON.parse(body.toString('utf8'));
        } catch {
          throw new ApiError(400, 'Request body is not valid JSON');
        }
      }
      res.json(await handler(face, app, req, parsed));
    } catch (err) {
      if (err instanceof ApiError) return void res.status(err.status).type('text/plain').send(err.message);
      const status = (err as { status?: number }).status;
      if (typeof status === 'number' && status >= 400 && status < 500)
        return void res
          .status(status)
          .type('text/plain')
          .send((err as Error).message);
      face.log[failureLevel(err)]({ err }, 'pusher API call failed');
      if (res.headersSent) return next(err);
      res.status(503).type('text/plain').send('Service unavailable, retry');
    }
  };
  router.post('/apps/:appId/events', raw, wrap(events));
  router.post('/apps/:appId/batch_events', raw, wrap(batchEvents));
  router.get('/apps/:appId/channels', wrap(channels));
  router.get('/apps/:appId/channels/:channel', wrap(channel));
  router.get('/apps/:appId/channels/:channel/users', wrap(users));
  router.post('/apps/:appId/users/:user/terminate_connections', raw, wrap(terminate));
  // Body-size and other parser refusals as Pusher answers them: status and text.
  router.use('/apps', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = (err as { status?: number }).status;
    if (typeof status !== 'number' || status < 400 || status >= 500) return next(err);
    res
      .status(status)
      .type('text/plain')
      .send(status === 413 ? 'Payload too large' : (err as Error).message);
  });
  return router;
}
