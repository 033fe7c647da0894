import type { RequestHandler } from 'express';
import type { Authentication } from '../auth/middleware';
import type { TokenService } from '../auth/tokens';
import type { GatewayConfig } from '../config';
import type { HoldsInDoubtRepository } from '../data-access/holds-in-doubt.repository';
import type { PaidGraceRepository } from '../data-access/paid-grace.repository';
import type { Services } from '../data-access/services';
import type { SessionRepository } from '../data-access/session.repository';
import type { RateLimits } from '../rate-limits';
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
  authenticateWith: Authentication['authenticateWith'];
  /** After authenticate: the live session store must say the user is an admin. */
  requireAdmin: RequestHandler;
  queueTokensIssued: Counter<string>;
}
