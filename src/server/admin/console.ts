// The web console: static files from src/server/console (copied next to this module's output by
// scripts/copy-assets.mjs, so the same path works under tsx and from dist), served at `/` for browsers.
// No inline script or style, so helmet's default CSP applies unchanged. JSON callers of `/` still get 404.
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import type { Config } from '../config/load.js';

export const CONSOLE_DIR = fileURLToPath(new URL('../console/', import.meta.url));

/** What the login page needs to know before it has a key; nothing secret. */
export function consoleSettings(config: Config) {
  // devApiKey: set when a development key was generated at start and printed in the server log.
  const { devApiKey } = config.auth as Config['auth'] & { devApiKey?: string };
  return {
    env: config.env.NODE_ENV,
    apiKeysConfigured: config.auth.apiKeys.length > 0,
    devKeyPrinted: devApiKey !== undefined,
  };
}

export function consoleRouter(config: Config): Router {
  const router = Router();
  const settings = consoleSettings(config);
  router.get('/', (req, res, next) => {
    if (req.accepts(['json', 'html']) !== 'html') return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile('index.html', { root: CONSOLE_DIR });
  });
  router.get('/console/settings.json', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(settings);
  });
  router.use('/console', express.static(CONSOLE_DIR, { index: false, fallthrough: true, maxAge: '5m' }));
  return router;
}
