import { PaymentCompletedV1 } from '@concert/contracts';
import { consumeWithInbox, type Tx } from '@concert/db';
import type { IncomingMessage } from '@concert/messaging';
import { cacheKeys } from '../data-access/cache';
import { confirmWithEvent, lockForConfirmation } from '../data-access/confirmation.repository';
import { inbox, type BookingSchema } from '../data-access/schema';
import { paymentOutcome } from '../domain/reservation';
import type { BookingDeps } from './deps';

type AfterCommit = Array<() => Promise<void>>;

export const PAYMENT_COMPLETED_CONSUMER = 'booking-service.payment-completed';

/**
 * `payment-completed` → confirm the hold or request a refund, exactly once: the inbox row and
 * the effect commit together, so a redelivered event changes nothing. A message that does not
 * match the contract is a PoisonMessage (the subscriber parks it on the dead-letter topic).
 * Cache and expiry clean-ups run after the commit, without holding up the next message: they
 * are best effort either way (the expiry of a confirmed hold finds nothing to do).
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
    void effect().catch((err: unknown) => d.logger.warn({ err }, 'post-commit effect failed'));
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
  const r = await lockForConfirmation(tx, p.reservationId);
  const outcome = paymentOutcome(r, { paymentId: p.paymentId, userId: p.userId });

  if (outcome.kind === 'already-confirmed') {
    d.logger.info({ reservationId: p.reservationId, paymentId: p.paymentId }, 'payment already applied');
    return;
  }
  if (outcome.kind === 'confirm' && r) {
    // The confirmation, its seat and reservation-confirmed in one round trip; confirmed_at is
    // now(), the instant the lock read.
    const event = d.events.reservationConfirmedRow({
      reservationId: r.id,
      concertId: r.concertId,
      seatNumber: r.seatNumber,
      userId: r.userId,
      paymentId: p.paymentId,
      confirmedAt: r.now.toISOString(),
    });
    if (!(await confirmWithEvent(tx, r.id, p.paymentId, event))) throw new Error(`reservation ${r.id} changed under its row lock`);
    afterCommit.push(async () => {
      d.metrics.confirmations.inc();
      await Promise.all([
        d.cache.evict(cacheKeys.seatMap(r.concertId), cacheKeys.concertList),
        d.expiry.unschedule(r.id),
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

