import { withTransaction } from '@concert/db';
import { cacheKeys } from '../data-access/cache';
import { expireDueHolds, findReservation, type ExpiredHold } from '../data-access/reservations.repository';
import { clearTakenMarks } from '../data-access/seat-marks';
import type { BookingDeps } from './deps';

/**
 * Expires holds past their deadline: one named hold (its delayed job) or a batch of any due
 * holds (the sweeper). Each expiry frees the seat and announces `reservation-expired` in the
 * same transaction.
 */
export async function expireHolds(
  d: BookingDeps,
  o: { source: 'job' | 'sweeper'; reservationId?: string; limit?: number },
): Promise<ExpiredHold[]> {
  const expired = await withTransaction(d.db, async (tx) => {
    const rows = await expireDueHolds(tx, {
      limit: o.limit ?? 200,
      ...(o.reservationId ? { reservationId: o.reservationId } : {}),
    });
    for (const r of rows) {
      await d.events.reservationExpired(tx, {
        reservationId: r.id,
        concertId: r.concertId,
        seatNumber: r.seatNumber,
        userId: r.userId,
        expiredAt: r.expiredAt,
      });
    }
    return rows;
  });
  if (expired.length > 0) {
    d.metrics.expiries.inc({ source: o.source }, expired.length);
    const concerts = [...new Set(expired.map((r) => r.concertId))];
    await d.cache.evict(...concerts.map(cacheKeys.seatMap), cacheKeys.concertList);
    await clearTakenMarks(d.redis, expired, d.logger);
    d.logger.info({ count: expired.length, source: o.source }, 'holds expired');
  }
  return expired;
}

/**
 * A hold's delayed job: expire it. Nothing expired is fine if the hold ended another way; if it
 * is still live, its row was locked by a payment being applied, or the clock has not quite
 * reached the deadline: throw so the job is retried shortly (the sweeper would get it anyway).
 */
export async function expireHoldOnTime(d: BookingDeps, reservationId: string): Promise<void> {
  const expired = await expireHolds(d, { source: 'job', reservationId });
  if (expired.length > 0) return;
  const r = await findReservation(d.db, reservationId);
  if (r?.status === 'TEMPORARILY_RESERVED') throw new Error(`hold ${reservationId} not expirable yet`);
}
