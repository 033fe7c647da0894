import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { INTERNAL_TOKEN_HEADER } from '@concert/contracts';
import { AppError } from './errors';

/**
 * Service-to-service credentials. Every caller (the gateway, payment-service) has its own secret
 * and sends a short-lived HS256 token naming itself (`kid` and `iss` = caller) and the service it
 * calls (`aud`). A callee knows only the secrets of the callers it accepts, and each caller may
 * reach only the routes it needs: a leaked payment-service secret opens booking's `/payable`
 * and nothing else, and a token minted for one callee is refused by the others.
 * The keys are symmetric, so a service holding a caller's secret to verify it could also mint
 * that caller's tokens: a compromised callee is as strong as the callers whose keys it holds
 * (asymmetric per-caller keys would close that; see README "Security").
 */
export type ServiceName = 'gateway' | 'queue-service' | 'booking-service' | 'payment-service';
export type CallerName = 'gateway' | 'payment-service';

const ALG = 'HS256';
const TOKEN_TTL_SECONDS = 60;
/** A token is re-minted when less than this is left, so one in flight never expires on the way. */
const REMINT_BEFORE_SECONDS = 20;
/** Shorter than this a secret is guessable; production refuses it (see checkSecrets). */
export const MIN_INTERNAL_KEY_LENGTH = 32;

const keyBytes = (secret: string) => new TextEncoder().encode(secret);

/** Signs one caller's tokens for one callee; reuses a token for most of its life (one HMAC a minute). */
export function serviceTokenSource(caller: CallerName, secret: string, audience: ServiceName): () => Promise<string> {
  const key = keyBytes(secret);
  let cached: { token: string; exp: number } | undefined;
  let pending: Promise<string> | undefined;
  return async () => {
    const now = Math.floor(Date.now() / 1000);
    if (cached && cached.exp - now > REMINT_BEFORE_SECONDS) return cached.token;
    pending ??= (async () => {
      const exp = now + TOKEN_TTL_SECONDS;
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: ALG, kid: caller })
        .setIssuer(caller)
        .setAudience(audience)
        .setIssuedAt(now)
        .setExpirationTime(exp)
        .sign(key);
      cached = { token, exp };
      return token;
    })().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}

export interface CallerPolicy {
  secret: string;
  /** `METHOD /path` (path below `/internal`) patterns this caller may use; absent = every route. */
  routes?: RegExp[];
}

/**
 * Guards `/internal` routes: the token must be signed with the secret of the caller it names, be
 * meant for this service and unexpired, and the caller must be allowed this route. Anything else
 * is 403 FORBIDDEN (the gateway turns that into a 503: the user cannot fix our credentials).
 */
export function requireServiceToken(audience: ServiceName, callers: Partial<Record<CallerName, CallerPolicy>>): RequestHandler {
  const keys = new Map(Object.entries(callers).map(([name, p]) => [name, keyBytes(p.secret)]));
  // Verified tokens, by their exact bytes: a caller reuses one token for ~40 s.
  const verified = new Map<string, { caller: CallerName; exp: number }>();
  const MAX_CACHED = 1000;

  /** The caller of a token verified before and not yet expired: no promise on the hot path. */
  function knownCaller(token: string): CallerName | undefined {
    const hit = verified.get(token);
    return hit && hit.exp > Date.now() / 1000 ? hit.caller : undefined;
  }

  async function callerOf(token: string): Promise<CallerName> {
    try {
      const { payload, protectedHeader } = await jwtVerify(
        token,
        (header) => {
          const key = header.kid === undefined ? undefined : keys.get(header.kid);
          if (!key) throw new joseErrors.JWKSNoMatchingKey();
          return key;
        },
        { algorithms: [ALG], audience, requiredClaims: ['iss', 'exp'] },
      );
      if (payload.iss !== protectedHeader.kid) throw new Error('issuer and key id differ');
      const caller = payload.iss as CallerName;
      if (verified.size >= MAX_CACHED) verified.clear();
      verified.set(token, { caller, exp: payload.exp ?? 0 });
      return caller;
    } catch {
      throw new AppError('FORBIDDEN', 'internal credential missing, wrong or expired');
    }
  }

  const admit = (caller: CallerName, req: Request, res: Response, next: NextFunction) => {
    const routes = callers[caller]?.routes;
    if (routes) {
      const route = `${req.method} ${req.path}`;
      if (!routes.some((r) => r.test(route))) return next(new AppError('FORBIDDEN', `${caller} may not call ${route}`));
    }
    res.locals.caller = caller;
    next();
  };

  return (req, res, next) => {
    const header = req.headers[INTERNAL_TOKEN_HEADER];
    const token = typeof header === 'string' ? header : '';
    const known = knownCaller(token);
    if (known) return admit(known, req, res, next);
    callerOf(token).then((caller) => admit(caller, req, res, next), next);
  };
}
