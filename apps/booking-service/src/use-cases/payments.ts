import type { PaymentCompletedV1 } from '@concert/contracts';
import type { Tx } from '@concert/db';
import { cacheKeys } from '../data-access/cache';
import { confirmReservation, lockReservation } from '../data-access/reservations.repository';
import type { BookingSchema } from '../data-access/schema';
import { markSeatReserved } from '../data-access/seats.repository';
import { paymentOutcome } from '../domain/reservation';
import type { BookingDeps } from './deps';

export type AfterCommit = Array<() => Promise<void>>;

/**
 * A completed payment, applied in the inbox transaction. The reservation row is locked first,
 * exactly as the expiry does, so the two transitions never interleave: either this confirms a
 * still-live hold, or it finds the hold already ended and asks payment-service to refund.
 */
export async function applyPaymentCompleted(
  d: BookingDeps,
  tx: Tx<BookingSchema>,
  p: PaymentCompletedV1['payload'],
  afterCommit: AfterCommit,
): Promise<void> {
  const r = await lockReservation(tx, p.reservationId);
  const outcome = paymentOutcome(r, { paymentId: p.paymentId, userId: p.userId });

  if (outcome.kind === 'already-confirmed') {
    d.logger.info({ reservationId: p.reservationId, paymentId: p.paymentId }, 'payment already applied');
    return;
  }
  if (outcome.kind === 'confirm' && r) {
    const row = await confirmReservation(tx, r.id, p.paymentId);
    if (!row) throw new Error(`reservation ${r.id} changed under its row lock`);
    await markSeatReserved(tx, row.seatId);
    await d.events.reservationConfirmed(tx, {
      reservationId: row.id,
      concertId: row.concertId,
      seatNumber: row.seatNumber,
      userId: row.userId,
      paymentId: p.paymentId,
      confirmedAt: (row.confirmedAt ?? new Date()).toISOString(),
    });
    afterCommit.push(async () => {
      d.metrics.confirmations.inc();
      await Promise.all([
        d.cache.evict(cacheKeys.seatMap(row.concertId), cacheKeys.concertList),
        d.expiry.unschedule(row.id),
      ]);
    });
    return;
  }
  if (outcome.kind === 'refund') {
    await d.events.paymentRefundRequested(tx, {
      reservationId: p.reservationId,
      paymentId: p.paymentId,
      userId: p.userId,
      amount: p.amount,
      reason: outcome.reason,
      requestedAt: new Date().toISOString(),
    });
    d.logger.warn(
      { reservationId: p.reservationId, paymentId: p.paymentId, reason: outcome.reason },
      'payment for an ended hold; refund requested',
    );
    afterCommit.push(async () => {
      d.metrics.refundRequests.inc({ reason: outcome.reason });
    });
  }
}
