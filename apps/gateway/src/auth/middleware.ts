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
    // One Redis round trip for both (auto-pipelined); a revoked token still answers 401, not 429.
    const [state, limit] = await Promise.allSettled([
      deps.sessions.state(principal.userId, principal.jti),
      deps.limits.user(principal.userId),
    ]);
    if (state.status === 'rejected') throw state.reason;
    if (state.value !== 'active') {
      throw new AppError('TOKEN_REVOKED', 'The access token was revoked (logged out or replaced by a newer login)');
    }
    if (limit.status === 'rejected') throw limit.reason;
    res.locals.principal = principal;
    next();
  };
  /**
   * The token's `role` claim only says what the user was at login; the session store says what
   * they are now (a demotion rewrites it), so that is what admin routes trust.
   */
  const requireAdmin: RequestHandler = async (_req, res, next) => {
    const p = principalOf(res);
    if (p.role !== 'admin' || (await deps.sessions.liveRole(p.userId)) !== 'admin') throw new AppError('FORBIDDEN', 'Operator role required');
    next();
  };
  return { authenticate, requireAdmin };
}

export function principalOf(res: Response): AccessPrincipal {
  const p = res.locals.principal as AccessPrincipal | undefined;
  if (!p) throw new AppError('UNAUTHENTICATED', 'A bearer access token is required');
  return p;
}
