import type { QueueEntry, QueueStatusResponse } from '@concert/contracts';
import { AppError } from '@concert/service-kit';
import type { QueuePass } from '../domain/principal';
import { isNotFound } from '../data-access/upstream';
import { assertBookingOpen, assertPassAdmits, expiredView, queueTokenExpiry, toQueueView } from '../domain/queue-access';
import type { GatewayDeps } from './deps';

/** A look at the fan's entry for their pass's concert, already under way (QueueReader.look). */
type Look = () => Promise<QueueEntry>;

/** queue-service's entry for the fan, or undefined when it no longer knows them. */
async function entryOf(d: GatewayDeps, concertId: string, userId: string, look?: Look): Promise<QueueEntry | undefined> {
  try {
    return await (look ? look() : d.services.queue.entry(concertId, userId));
  } catch (err) {
    if (!isNotFound(err)) throw err;
    return undefined;
  }
}

/**
 * The pass must be for this concert and the fan admitted right now (queue-service is the truth).
 * A pass for another concert is NOT_ACTIVE here, unless the target concert does not exist at all.
 */
export async function assertAdmitted(d: GatewayDeps, pass: QueuePass, concertId: string, look?: Look): Promise<void> {
  if (pass.concertId !== concertId) await d.services.booking.getConcert(concertId);
  const status = pass.concertId === concertId ? (await entryOf(d, concertId, pass.userId, look))?.status : undefined;
  assertPassAdmits(pass, concertId, status);
}

/**
 * Joins the concert's queue inside its booking window and signs the fan's queue token. Bots are
 * limited per fan and concert: the attempt is spent first, and only for a request that passed
 * authentication and the user limit (a 401 or 429 spends none).
 */
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
export async function queueStatus(d: GatewayDeps, pass: QueuePass, askedConcertId?: string, look?: Look): Promise<QueueStatusResponse> {
  if (askedConcertId && askedConcertId !== pass.concertId) throw new AppError('QUEUE_TOKEN_INVALID', 'The queue token is for another concert');
  const entry = await entryOf(d, pass.concertId, pass.userId, look);
  return entry ? toQueueView({ ...entry, concertId: pass.concertId }) : expiredView(pass.concertId);
}
