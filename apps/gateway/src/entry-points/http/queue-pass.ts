import type { Request } from 'express';
import { QUEUE_TOKEN_HEADER } from '@concert/contracts';
import { AppError } from '@concert/service-kit';
import type { QueuePass } from '../../auth/tokens';
import { isNotFound } from '../../data-access/upstream';
import { assertOwnPass, assertPassAdmits } from '../../domain/queue-access';
import type { RouteDeps } from './deps';

/** The caller's own, genuine queue token from `X-Queue-Token` (else 403 QUEUE_TOKEN_INVALID). */
export async function ownQueuePass(d: RouteDeps, req: Request, userId: string): Promise<QueuePass> {
  const raw = req.header(QUEUE_TOKEN_HEADER);
  if (!raw) throw new AppError('QUEUE_TOKEN_INVALID', 'The X-Queue-Token header is required');
  const pass = await d.tokens.verifyQueue(raw.trim());
  assertOwnPass(pass, userId);
  return pass;
}

/**
 * The pass must be for this concert and the fan admitted right now (queue-service is the truth).
 * A pass for another concert is NOT_ACTIVE here, unless the target concert does not exist at all.
 */
export async function assertAdmitted(d: RouteDeps, pass: QueuePass, concertId: string): Promise<void> {
  if (pass.concertId !== concertId) await d.services.booking.getConcert(concertId);
  let status: 'WAITING' | 'ACTIVE' | 'EXPIRED' | undefined;
  if (pass.concertId === concertId) {
    try {
      status = (await d.services.queue.entry(concertId, pass.userId)).status;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  assertPassAdmits(pass, concertId, status);
}
