import type { Request, RequestHandler, Response } from 'express';
import { QUEUE_TOKEN_HEADER, type QueueEntry } from '@concert/contracts';
import { AppError } from '@concert/service-kit';
import type { AccessPrincipal, QueuePass } from '../../domain/principal';
import { assertOwnPass } from '../../domain/queue-access';
import type { AuthenticateWith, GatewayDeps } from '../../use-cases/deps';

const BEARER = /^Bearer +([A-Za-z0-9\-_=]+\.[A-Za-z0-9\-_=]+\.[A-Za-z0-9\-_=]*) *$/i;

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
const settle = <T>(p: Promise<T>): Promise<Settled<T>> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

/** What a route with a queue token learns before its handler runs. */
interface FanLocals {
  pass?: Settled<QueuePass>;
  /** The fan's queue entry for the pass's concert, its Redis read already sent (see QueueReader.look). */
  look?: () => Promise<QueueEntry>;
  /** What the route asked to read alongside (authenticateWith's `alongside`). */
  alongside?: unknown;
}

/**
 * Bearer-token authentication: signature, claims and expiry first (TOKEN_EXPIRED wins over
 * revocation), then the session store (logout blacklist, replaced by a newer login).
 *
 * Tokens are checked from the replica's cache (a verify costs CPU only on a token's first use),
 * so everything the request then reads from Redis — session state, user limit and, on the queue
 * token routes, the fan's active slot and whatever the route adds — is sent in one tick, which
 * ioredis' auto-pipelining turns into one round trip. The answers are still judged in the order
 * the API promises: 401, then 429, then the route's own 400, then the queue token's 403.
 */
export function createAuthentication(deps: Pick<GatewayDeps, 'tokens' | 'sessions' | 'limits'> & { queue: Pick<GatewayDeps['services']['queue'], 'look'> }) {
  async function verifiedPrincipal(req: Request): Promise<AccessPrincipal> {
    const m = BEARER.exec(req.header('authorization') ?? '');
    if (!m?.[1]) throw new AppError('UNAUTHENTICATED', 'A bearer access token is required');
    return deps.tokens.verifyAccess(m[1]);
  }

  /** Sends the session and limit reads now; awaiting the result judges them (a revoked token answers 401, not 429). */
  function sessionCheck(principal: AccessPrincipal): () => Promise<void> {
    const state = settle(deps.sessions.state(principal.userId, principal.jti));
    const limit = settle(deps.limits.user(principal.userId));
    return async () => {
      const s = await state;
      if (!s.ok) throw s.error;
      if (s.value !== 'active') throw new AppError('TOKEN_REVOKED', 'The access token was revoked (logged out or replaced by a newer login)');
      const l = await limit;
      if (!l.ok) throw l.error;
    };
  }

  /**
   * Authentication plus what the route needs to read before its handler runs, in the same round
   * trip. With `queuePass`, the caller's own queue token from X-Queue-Token (its refusal is kept
   * for the handler, which asks for it with passOf after validating its input) and the fan's
   * queue entry for that token's concert (lookOf). `alongside` starts reads of the route's own
   * (alongsideOf); a promise it returns is judged by the handler.
   */
  const authenticateWith: AuthenticateWith =
    (opts) =>
    async (req, res, next) => {
      const principal = await verifiedPrincipal(req);
      const pass = opts.queuePass ? await settle(ownPass(req.header(QUEUE_TOKEN_HEADER), principal.userId)) : undefined;
      // From here to the first await, every Redis command joins one pipeline.
      const check = sessionCheck(principal);
      const fan: FanLocals = { pass };
      if (pass?.ok) fan.look = deps.queue.look(pass.value.concertId, pass.value.userId);
      fan.alongside = opts.alongside?.(req, { principal, pass: pass?.ok ? pass.value : undefined });
      // Judged by the handler, if it gets that far; a 401 or 429 first must not leave it unhandled.
      if (fan.alongside instanceof Promise) fan.alongside.catch(() => undefined);
      await check();
      res.locals.principal = principal;
      res.locals.fan = fan;
      next();
    };

  /** Authentication alone: the routes without a queue token. */
  const authenticate = authenticateWith({});

  async function ownPass(raw: string | undefined, userId: string): Promise<QueuePass> {
    if (!raw) throw new AppError('QUEUE_TOKEN_INVALID', 'The X-Queue-Token header is required');
    const pass = await deps.tokens.verifyQueue(raw.trim());
    assertOwnPass(pass, userId);
    return pass;
  }

  /**
   * The token's `role` claim only says what the user was at login; the session store says what
   * they are now (a demotion rewrites it), so that is what admin routes trust.
   */
  const requireAdmin: RequestHandler = async (_req, res, next) => {
    const p = principalOf(res);
    if (p.role !== 'admin' || (await deps.sessions.liveRole(p.userId)) !== 'admin') throw new AppError('FORBIDDEN', 'Operator role required');
    next();
  };
  return { authenticate, authenticateWith, requireAdmin };
}

export function principalOf(res: Response): AccessPrincipal {
  const p = res.locals.principal as AccessPrincipal | undefined;
  if (!p) throw new AppError('UNAUTHENTICATED', 'A bearer access token is required');
  return p;
}

function fanOf(res: Response): FanLocals {
  const fan = res.locals.fan as FanLocals | undefined;
  if (!fan) throw new AppError('QUEUE_TOKEN_INVALID', 'The X-Queue-Token header is required');
  return fan;
}

/** After authenticateWith: the caller's own, genuine queue pass, or its 403 QUEUE_TOKEN_INVALID. */
export function passOf(res: Response): QueuePass {
  const { pass } = fanOf(res);
  if (!pass) throw new AppError('QUEUE_TOKEN_INVALID', 'The X-Queue-Token header is required');
  if (!pass.ok) throw pass.error;
  return pass.value;
}

/** After authenticateWith: the fan's queue entry for the pass's concert (read already under way). */
export function lookOf(res: Response): (() => Promise<QueueEntry>) | undefined {
  return fanOf(res).look;
}

/** After authenticateWith: what the route's `alongside` started, when the pass was valid. */
export function alongsideOf<T>(res: Response): T | undefined {
  return fanOf(res).alongside as T | undefined;
}
