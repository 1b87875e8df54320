// GET /v1/client.js: the official client as one ES module, for `<script type="module">` on any origin. It is
// public code, so it is served to every origin (CORS `*`, cross-origin resource policy), revalidated by ETag.
import { createHash } from 'node:crypto';
import { Router } from 'express';
import type { Logger } from '../../logger.js';
import { loadClientBundle } from '../client-bundle.js';
import { HttpError } from '../errors.js';

export function clientScriptRouter(log: Logger): Router {
  const router = Router();
  router.get('/v1/client.js', async (req, res) => {
    let bundle: Awaited<ReturnType<typeof loadClientBundle>>;
    try {
      bundle = await loadClientBundle();
    } catch (err) {
      log.error({ err }, 'the client bundle is missing: run `npm run build`');
      throw new HttpError(503, 'unavailable', 'the client bundle is not available on this server');
    }
    const etag = `"${createHash('sha256').update(bundle.code).digest('base64url').slice(0, 27)}"`;
    res.set({
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=300, must-revalidate',
      ETag: etag,
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.send(bundle.code);
  });
  return router;
}
