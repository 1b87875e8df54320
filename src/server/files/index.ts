// Wires files into the server: the service, the presigner matching the object store, the router, and the
// periodic sweep of abandoned uploads (every replica may sweep; each expired row is taken by one).
import type { RequestHandler, Router } from 'express';
import type { Authenticator } from '../auth/authenticator.js';
import type { Deps } from '../deps.js';
import { createPresigner, LocalSigner } from './presigner.js';
import { filesRouter } from './routes.js';
import { FileService } from './service.js';

const SWEEP_INTERVAL_MS = 10 * 60_000;

export function createFiles(deps: Deps, auth: Authenticator): { router: Router; service: FileService } {
  const { config, log } = deps;
  const env = config.env;
  const service = new FileService(
    deps.db,
    deps.store,
    {
      maxBytes: env.MAX_FILE_BYTES,
      allowedTypes: env.FILES_ALLOWED_TYPES,
      presignTtlMs: env.FILES_PRESIGN_TTL,
    },
    log.child({ component: 'files' }),
  );
  const presigner = createPresigner(deps.store, config.auth.jwtSecret);
  const router = filesRouter({
    service,
    presigner,
    signer: new LocalSigner(config.auth.jwtSecret),
    auth,
    downloadMode: env.FILES_DOWNLOAD_MODE,
    crossOrigin: env.CORS_ORIGINS.length > 0,
  });

  const sweep = () => {
    service.sweep().catch((err: unknown) => log.warn({ err }, 'sweeping abandoned uploads failed'));
  };
  const timer = setInterval(sweep, SWEEP_INTERVAL_MS);
  timer.unref();
  deps.lifecycle.onStop('files sweeper', () => clearInterval(timer));
  return { router, service };
}

const SIGNED_DOWNLOAD = /^\/v1\/files\/[^/]+\/content$/;

/**
 * Signed links are exempt from the caller's rate limit: a page showing many files through <img> is one
 * anonymous caller to the server, and each link was already counted when an authorized caller asked for it.
 * A forged signature costs one HMAC before its 403.
 */
export function exceptSignedDownloads(limit: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const signed = (req.method === 'GET' || req.method === 'HEAD') && typeof req.query.signature === 'string';
    if (signed && SIGNED_DOWNLOAD.test(req.originalUrl.split('?')[0] ?? '')) return next();
    return limit(req, res, next);
  };
}
