// Admin API for channels, connections and token revocation (API key only; docs/protocol.md, "Admin API").
// Connection listings and disconnects go to every replica through the bus (cluster.ts); answers name the
// replicas that did not reply in time.
import { type Request, Router } from 'express';
import { z } from 'zod';
import { CLOSE_DISCONNECTED, type ConnectionFilter, type ConnectionInfo } from '../channels/connections.js';
import { checkChannel } from '../channels/inputs.js';
import type { Channels } from '../channels/service.js';
import type { Database } from '../drivers/database/index.js';
import { DomainError, invalidInput, parseWith } from '../errors/domain-error.js';
import type { Cluster } from './cluster.js';
import type { Revocations } from './revocations.js';

const PAGE_MAX = 200;

export function intQuery(req: Request, name: string, fallback: number, max: number): number {
  const raw = req.query[name];
  if (raw === undefined) return fallback;
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max)
    throw invalidInput('invalid_query', `${name} must be a whole number from 1 to ${max}`, name);
  return n;
}

export function stringQuery(req: Request, name: string): string | undefined {
  const raw = req.query[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 256)
    throw invalidInput('invalid_query', `${name} must be a non-empty string of at most 256 characters`, name);
  return raw;
}

const revocationBody = z
  .object({ jti: z.string().min(1).max(256).optional(), sub: z.string().min(1).max(256).optional() })
  .strict()
  .refine((b) => b.jti !== undefined || b.sub !== undefined, { error: 'give jti, sub or both' });

interface ChannelRow {
  name: string;
  count: string;
  last_offset: string;
  last_at: Date;
  created_at: Date;
}

export interface AdminRouteDeps {
  db: Database;
  channels: Channels;
  cluster: Cluster;
  revocations: Revocations;
}

export function adminRouter({ db, channels, cluster, revocations }: AdminRouteDeps): Router {
  const router = Router();
  const { connections, context } = channels;
  cluster.handle('connections', () => connections.list());
  cluster.handle('disconnect', (f) =>
    connections.end(f as ConnectionFilter, CLOSE_DISCONNECTED, 'disconnected by an administrator'),
  );

  router.get('/v1/admin/channels', async (req, res) => {
    const limit = intQuery(req, 'limit', 50, PAGE_MAX);
    const after = stringQuery(req, 'after') ?? '';
    const prefix = stringQuery(req, 'prefix') ?? '';
    const { rows } = await db.query<ChannelRow>(
      `SELECT name, count, last_offset, last_at, created_at FROM channels
       WHERE name > $1 AND starts_with(name, $2) ORDER BY name LIMIT $3`,
      [after, prefix, limit + 1],
    );
    const page = rows.slice(0, limit);
    const local = connections.subscribers();
    const presence = await Promise.all(page.map((r) => context.presence.store.count(r.name)));
    res.json({
      channels: page.map((r, i) => ({
        channel: r.name,
        count: Number(r.count),
        lastOffset: Number(r.last_offset),
        lastActivity: r.last_at.toISOString(),
        subscribers: local.get(r.name) ?? 0,
        presence: presence[i],
      })),
      next: rows.length > limit ? (page.at(-1)?.name ?? null) : null,
    });
  });

  router.get('/v1/admin/channels/:channel', async (req, res) => {
    const channel = checkChannel(req.params.channel);
    const [{ rows }, members] = await Promise.all([
      db.query<ChannelRow & { first_offset: string | null }>(
        `SELECT name, count, last_offset, last_at, created_at,
           (SELECT min("offset") FROM messages WHERE channel = $1) AS first_offset
         FROM channels WHERE name = $1`,
        [channel],
      ),
      context.presence.store.members(channel),
    ]);
    const row = rows[0];
    if (!row)
      throw new DomainError('channel_not_found', `no message was ever published to "${channel}"`, {
        status: 404,
      });
    res.json({
      channel,
      count: Number(row.count),
      firstOffset: row.first_offset === null ? null : Number(row.first_offset),
      lastOffset: Number(row.last_offset),
      lastActivity: row.last_at.toISOString(),
      createdAt: row.created_at.toISOString(),
      subscribers: connections.subscribers().get(channel) ?? 0,
      presence: members.length,
      members,
      history: `/v1/channels/${encodeURIComponent(channel)}/messages`,
    });
  });

  router.get('/v1/admin/connections', async (req, res) => {
    const scope = stringQuery(req, 'scope') ?? 'cluster';
    if (scope !== 'cluster' && scope !== 'replica')
      throw invalidInput('invalid_query', 'scope must be cluster or replica', 'scope');
    if (scope === 'replica') {
      res.json({ connections: connections.list().map((c) => ({ ...c, replica: cluster.id })), missing: [] });
      return;
    }
    const { answers, missing } = await cluster.gather<ConnectionInfo[]>('connections', {});
    res.json({
      connections: answers.flatMap((a) => a.result.map((c) => ({ ...c, replica: a.replica }))),
      replicas: answers.map((a) => a.replica),
      missing,
    });
  });

  const disconnect = async (filter: ConnectionFilter) => {
    const { answers, missing } = await cluster.gather<number>('disconnect', filter);
    return { closed: answers.reduce((n, a) => n + a.result, 0), missing };
  };

  router.delete('/v1/admin/connections/:id', async (req, res) => {
    const id = String(req.params.id);
    const result = await disconnect({ id });
    if (result.closed === 0 && result.missing.length === 0)
      throw new DomainError('connection_not_found', `no open connection ${id}`, { status: 404 });
    res.json(result);
  });

  router.delete('/v1/admin/connections', async (req, res) => {
    const sub = stringQuery(req, 'sub');
    if (sub === undefined) throw invalidInput('invalid_query', 'sub is required (a token subject)', 'sub');
    res.json(await disconnect({ sub }));
  });

  router.post('/v1/admin/revocations', async (req, res) => {
    const body = parseWith(revocationBody, req.body ?? {});
    const r = await revocations.revoke(body);
    res
      .status(201)
      .json({ ...body, revokedAt: new Date(r.at).toISOString(), closed: r.closed, missing: r.missing });
  });

  return router;
}
