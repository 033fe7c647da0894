import type { QueueEntry, QueueStatusResponse } from '@concert/contracts';
import { AppError } from '@concert/service-kit';
import type { QueuePass } from '../auth/tokens';
import { isNotFound } from '../data-access/upstream';
import { assertBookingOpen, assertOwnPass, assertPassAdmits, expiredView, queueTokenExpiry, toQueueView } from '../domain/queue-access';
import type { GatewayDeps } from './deps';

/** The caller's own, genuine queue token (else 403 QUEUE_TOKEN_INVALID). */
export async function verifyOwnPass(d: GatewayDeps, raw: string | undefined, userId: string): Promise<QueuePass> {
  if (!raw) throw new AppError('QUEUE_TOKEN_INVALID', 'The X-Queue-Token header is required');
  const pass = await d.tokens.verifyQueue(raw.trim());
  assertOwnPass(pass, userId);
  return pass;
}

/** queue-service's entry for the fan, or undefined when it no longer knows them. */
async function entryOf(d: GatewayDeps, concertId: string, userId: string): Promise<QueueEntry | undefined> {
  try {
    return await d.services.queue.entry(concertId, userId);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    return undefined;
  }
}

/**
 * The pass must be for this concert and the fan admitted right now (queue-service is the truth).
 * A pass for another concert is NOT_ACTIVE here, unless the target concert does not exist at all.
 */
export async function assertAdmitted(d: GatewayDeps, pass: QueuePass, concertId: string): Promise<void> {
  if (pass.concertId !== concertId) await d.services.booking.getConcert(concertId);
  const status = pass.concertId === concertId ? (await entryOf(d, concertId, pass.userId))?.status : undefined;
  assertPassAdmits(pass, concertId, status);
}

/** Joins the concert's queue inside its booking window (bots: limited per fan and concert) and signs the fan's queue token. */
export async function issueQueueToken(
  d: GatewayDeps,
  userId: string,
  concertId: string,
): Promise<{ created: boolean; body: QueueStatusResponse & { queueToken: string } }> {
  await d.limits.enqueue(userId, concertId);
  const concert = await d.services.booking.getConcertCached(concertId);
  const now = new Date();
  assertBookingOpen(concert, now);
  const entry = await d.services.queue.enqueue(concertId, userId);
  const pass = await d.tokens.signQueue(userId, concertId, queueTokenExpiry(concert.bookingEndTime, now, d.config.QUEUE_TOKEN_TTL_SECONDS));
  const created = entry.created !== false;
  d.queueTokensIssued.inc({ created: String(created) });
  return { created, body: { queueToken: pass.token, ...toQueueView({ ...entry, concertId }) } };
}

/** Where the fan stands in the queue their pass is for; EXPIRED once the queue forgot them. */
export async function queueStatus(d: GatewayDeps, pass: QueuePass, askedConcertId?: string): Promise<QueueStatusResponse> {
  if (askedConcertId && askedConcertId !== pass.concertId) throw new AppError('QUEUE_TOKEN_INVALID', 'The queue token is for another concert');
  const entry = await entryOf(d, pass.concertId, pass.userId);
  return entry ? toQueueView({ ...entry, concertId: pass.concertId }) : expiredView(pass.concertId);
}
