// POST /v1/tokens (API key only): mints a short-lived client token for browsers and WebSocket clients.
import { Router } from 'express';
import { z } from 'zod';
import type { Authenticator } from '../../auth/authenticator.js';
import { CHANNEL_NAME_RULE, isValidPattern } from '../../auth/channel-names.js';
import { requireAdmin, resolvePrincipal } from '../../auth/http.js';
import { FILE_PERMISSIONS, MAX_TOKEN_TTL_S } from '../../auth/tokens.js';
import { HttpError } from '../errors.js';

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
    const parsed = body.safeParse(req.body ?? {});
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
      throw new HttpError(400, 'invalid_body', problems.join('; '), { details: problems });
    }
    const { sub, files, ...grant } = parsed.data;
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
