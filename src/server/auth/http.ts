// Express side of auth: resolves the caller once per request and offers guards that throw the right error.
import type { Request, RequestHandler } from 'express';
import { type Authenticator, checkCanPublish, denied } from './authenticator.js';
import type { Principal } from './principal.js';

declare global {
  namespace Express {
    interface Request {
      principal: Principal;
    }
  }
}

export function resolvePrincipal(auth: Authenticator): RequestHandler {
  return async (req, _res, next) => {
    req.principal = await auth.fromRequest(req);
    next();
  };
}

export function requireAdmin(req: Request): Principal {
  if (!req.principal.admin) throw denied(req.principal, 'this operation (API key only)');
  return req.principal;
}

export function requireSubscribe(req: Request, channel: string): Principal {
  if (!req.principal.canSubscribe(channel)) throw denied(req.principal, `reading channel "${channel}"`);
  return req.principal;
}

export function requirePublish(req: Request, channel: string): Principal {
  checkCanPublish(req.principal, channel);
  return req.principal;
}
