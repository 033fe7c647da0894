import type { RequestHandler, Response } from 'express';
import { AppError } from '@concert/service-kit';
import type { SessionRepository } from '../data-access/session.repository';
import type { RateLimits } from '../rate-limits';
import type { AccessPrincipal, TokenService } from './tokens';

const BEARER = /^Bearer +([A-Za-z0-9\-_=]+\.[A-Za-z0-9\-_=]+\.[A-Za-z0-9\-_=]*) *$/i;

/**
 * Bearer-token authentication: signature, claims and expiry first (TOKEN_EXPIRED wins over
 * revocation), then the session store (logout blacklist, replaced by a newer login).
 */
export function createAuthentication(deps: { tokens: TokenService; sessions: SessionRepository; limits: RateLimits }) {
  const authenticate: RequestHandler = async (req, res, next) => {
    const m = BEARER.exec(req.header('authorization') ?? '');
    if (!m?.[1]) throw new AppError('UNAUTHENTICATED', 'A bearer access token is required');
    const principal = await deps.tokens.verifyAccess(m[1]);
    if ((await deps.sessions.state(principal.userId, principal.jti)) !== 'active')
      throw new AppError('TOKEN_REVOKED', 'The access token was revoked (logged out or replaced by a newer login)');
    res.locals.principal = principal;
    await deps.limits.user(principal.userId, res);
    next();
  };
  return { authenticate };
}

export const requireAdmin: RequestHandler = (_req, res, next) => {
  if (principalOf(res).role !== 'admin') throw new AppError('FORBIDDEN', 'Operator role required');
  next();
};

export function principalOf(res: Response): AccessPrincipal {
  const p = res.locals.principal as AccessPrincipal | undefined;
  if (!p) throw new AppError('UNAUTHENTICATED', 'A bearer access token is required');
  return p;
}
