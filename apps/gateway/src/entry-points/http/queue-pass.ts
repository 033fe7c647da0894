import type { Request } from 'express';
import { QUEUE_TOKEN_HEADER } from '@concert/contracts';
import type { QueuePass } from '../../auth/tokens';
import type { GatewayDeps } from '../../use-cases/deps';
import { verifyOwnPass } from '../../use-cases/queue-access';

/** The caller's own, genuine queue token from `X-Queue-Token` (else 403 QUEUE_TOKEN_INVALID). */
export const ownQueuePass = (d: GatewayDeps, req: Request, userId: string): Promise<QueuePass> =>
  verifyOwnPass(d, req.header(QUEUE_TOKEN_HEADER), userId);
