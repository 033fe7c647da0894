import type { Request, RequestHandler } from 'express';
import type { GatewayConfig } from '../config';
import type { HoldsInDoubtRepository } from '../data-access/holds-in-doubt.repository';
import type { PaidGraceRepository } from '../data-access/paid-grace.repository';
import type { Services } from '../data-access/services';
import type { SessionRepository } from '../data-access/session.repository';
import type { RateLimits } from '../data-access/rate-limits';
import type { AccessPrincipal, QueuePass } from '../domain/principal';
import type { TokenService } from './tokens';
import type { Counter } from 'prom-client';

/** What the use cases and routes need; built once in start.ts (tests build it with real Redis). */
export interface GatewayDeps {
  config: GatewayConfig;
  services: Services;
  tokens: TokenService;
  sessions: SessionRepository;
  paidGrace: PaidGraceRepository;
  holdsInDoubt: HoldsInDoubtRepository;
  limits: RateLimits;
  authenticate: RequestHandler;
  /** authenticate, with the queue pass and the route's own reads in the same Redis round trip. */
  authenticateWith: AuthenticateWith;
  /** After authenticate: the live session store must say the user is an admin. */
  requireAdmin: RequestHandler;
  queueTokensIssued: Counter<string>;
}

/**
 * Authentication plus the reads a route needs before its handler, in one Redis round trip
 * (entry-points/http/authentication.ts): with `queuePass`, the caller's own queue token and queue
 * entry; `alongside` starts reads of the route's own.
 */
export type AuthenticateWith = (opts: {
  queuePass?: boolean;
  alongside?: (req: Request, fan: { principal: AccessPrincipal; pass?: QueuePass }) => unknown;
}) => RequestHandler;
