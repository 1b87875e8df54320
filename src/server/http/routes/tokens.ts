// POST /v1/tokens (API key only): mints a short-lived client token for browsers and WebSocket clients.
import { Router } from 'express';
import { z } from 'zod';
import type { Authenticator } from '../../auth/authenticator.js';
import { CHANNEL_NAME_RULE, isValidPattern } from '../../auth/channel-names.js';
import { requireAdmin, resolvePrincipal } from '../../auth/http.js';
import { FILE_PERMISSIONS, MAX_TOKEN_TTL_S } from '../../auth/tokens.js';
import { parseWith } from '../../errors/domain-error.js';

const pattern = z.string().refine(isValidPattern, {
  error: `expected a channel name (${CHANNEL_NAME_RULE}), optionally ending in *`,
});

const body = z
  .object({
    subscribe: z.array(pattern).max(100).default([]),
    publish: z.array(pattern).max(100).default([]),
    ttl: z.number().int().min(1).max(MAX_TOKEN_TTL_S).default(3600),
    sub: z.string().min(1).max(256).optional(),
    files: z.array(z.enum(FILE_PERMISSIONS)).max(FILE_PERMISSIONS.length).optional(),
  })
  .strict();

export function tokensRouter(auth: Authenticator): Router {
  const router = Router();
  router.post('/v1/tokens', resolvePrincipal(auth), async (req, res) => {
    requireAdmin(req);
    const { sub, files, ...grant } = parseWith(body, req.body ?? {});
    res.status(201).json(
      await auth.tokens.issue({
        ...grant,
        ...(sub !== undefined ? { sub } : {}),
        ...(files !== undefined ? { files } : {}),
      }),
    );
  });
  return router;
}
