import type { Request, RequestHandler } from 'express';
import type { GatewayDeps } from '../../use-cases/deps';

/**
 * The client's address: the TCP peer, or what a trusted proxy (TRUST_PROXY) says in
 * X-Forwarded-For. With no proxy configured the header is ignored, so it cannot be forged.
 */
export const clientOf = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** Every API request passes here: an exempt one goes on without a promise. */
export function perIpLimit(limits: GatewayDeps['limits']): RequestHandler {
  return (req, _res, next) => {
    const client = clientOf(req);
    if (limits.exempt(client)) return next();
    limits.ip(client).then(() => next(), next);
  };
}

/** Every /auth/* call, per client address. */
export function perClientAuthLimit(limits: GatewayDeps['limits']): RequestHandler {
  return async (req, _res, next) => {
    await limits.auth(clientOf(req));
    next();
  };
}
