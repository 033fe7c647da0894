import { PaymentCompletedV1 } from '@concert/contracts';
import { consumeWithInbox, type Tx } from '@concert/db';
import type { IncomingMessage } from '@concert/messaging';
import { cacheKeys } from '../data-access/cache';
import { confirmReservation, lockReservation } from '../data-access/reservations.repository';
import { inbox, type BookingSchema } from '../data-access/schema';
import { markSeatReserved } from '../data-access/seats.repository';
import { paymentOutcome } from '../domain/reservation';
import type { BookingDeps } from './deps';

type AfterCommit = Array<() => Promise<void>>;

export const PAYMENT_COMPLETED_CONSUMER = 'booking-service.payment-completed';

/**
 * `payment-completed` → confirm the hold or request a refund, exactly once: the inbox row and
 * the effect commit together, so a redelivered event changes nothing. A message that does not
 * match the contract is a PoisonMessage (the subscriber parks it on the dead-letter topic).
 * Cache and expiry clean-ups run after the commit.
 */
export async function consumePaymentCompleted(d: BookingDeps, msg: IncomingMessage): Promise<void> {
  const afterCommit: AfterCommit = [];
  await consumeWithInbox({
    db: d.db,
    inbox,
    consumer: PAYMENT_COMPLETED_CONSUMER,
    parse: (raw) => PaymentCompletedV1.parse(raw),
    handler: async (tx, event) => {
      afterCommit.length = 0; // a retried transaction starts over
      await applyPaymentCompleted(d, tx, event.payload, afterCommit);
    },
  })(msg);
  for (const effect of afterCommit) {
    await effect().catch((err: unknown) => d.logger.warn({ err }, 'post-commit effect failed'));
  }
}

/**
 * A completed payment, applied in the inbox transaction. The reservation row is locked first,
 * exactly as the expiry does, so the two transitions never interleave: either this confirms a
 * still-live hold, or it finds the hold already ended and asks payment-service to refund.
 */
async function applyPaymentCompleted(
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
