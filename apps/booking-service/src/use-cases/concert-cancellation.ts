import type { Tx } from '@concert/db';
import { cacheKeys } from '../data-access/cache';
import { endReservations, lockLiveReservationsOfConcert } from '../data-access/reservations.repository';
import type { BookingSchema, ReservationRow } from '../data-access/schema';
import { releaseAllSeats } from '../data-access/seats.repository';
import { clearTakenMarks } from '../data-access/seat-marks';
import { onConcertCancelled } from '../domain/reservation';
import type { BookingDeps } from './deps';

/**
 * Cancelling a concert ends every reservation it still has, in the same transaction as the
 * status change: holds are cancelled, paid seats are cancelled and refunded (the
 * payment-refund-requested event, as when a payment lands on an ended hold), and every seat is
 * released. Each ended reservation announces itself, so payment-service stops accepting
 * payments for it and the queue forgets it.
 */
export async function endReservationsOfCancelledConcert(d: BookingDeps, tx: Tx<BookingSchema>, concertId: string): Promise<ReservationRow[]> {
  const live = await lockLiveReservationsOfConcert(tx, concertId);
  const decisions = new Map(live.map((r) => [r.id, onConcertCancelled(r)]));
  const ended = await endReservations(tx, live.filter((r) => decisions.get(r.id) !== 'none').map((r) => r.id));
  await releaseAllSeats(tx, concertId);
  for (const r of ended) {
    const cancelledAt = (r.endedAt ?? new Date()).toISOString();
    await d.events.reservationCancelled(tx, { reservationId: r.id, concertId: r.concertId, seatNumber: r.seatNumber, userId: r.userId, cancelledAt });
    if (decisions.get(r.id) === 'cancel-and-refund' && r.paymentId) {
      await d.events.paymentRefundRequested(tx, {
        reservationId: r.id,
        paymentId: r.paymentId,
        userId: r.userId,
        amount: r.price,
        reason: 'RESERVATION_CANCELLED',
        requestedAt: cancelledAt,
      });
    }
  }
  return ended;
}

/** After the commit: caches, scheduled expiries and seat marks no longer describe anything. */
export async function forgetEndedReservations(d: BookingDeps, concertId: string, ended: ReservationRow[]): Promise<void> {
  const refunds = ended.filter((r) => r.paymentId).length;
  if (refunds > 0) d.metrics.refundRequests.inc({ reason: 'CONCERT_CANCELLED' }, refunds);
  await Promise.all([
    d.cache.evict(cacheKeys.seatMap(concertId), cacheKeys.concertList),
    ...ended.map((r) => d.expiry.unschedule(r.id)),
    clearTakenMarks(d.redis, ended, d.logger),
  ]);
}
