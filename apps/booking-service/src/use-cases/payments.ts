import { PaymentCompletedV1 } from '@concert/contracts';
import { consumeWithInbox, type Tx } from '@concert/db';
import type { IncomingMessage } from '@concert/messaging';
import { cacheKeys } from '../data-access/cache';
import { confirmWithEvent, lockForConfirmation, type ReservationToConfirm } from '../data-access/confirmation.repository';
import { inbox, type BookingSchema } from '../data-access/schema';
import { paymentOutcome } from '../domain/reservation';
import { ConfirmTogether } from './confirm-together';
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
  if (await confirmedAtOnce(d, msg)) return;
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
    if (!(await confirmWithEvent(tx, r.id, p.paymentId, confirmedEvent(d, r, p.paymentId)))) throw new Error(`reservation ${r.id} changed under its row lock`);
    afterCommit.push(() => afterConfirmed(d, r));
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


/**
 * The common case, a payment for a live hold, in two round trips instead of a transaction's five
 * (BEGIN, inbox, lock, confirm, COMMIT), shared with every payment that arrived with it (see
 * ConfirmTogether): read the hold, let the domain decide, and if it says confirm, write everything
 * in one statement that applies only if the hold is still live. Why: each round trip waits for a
 * turn of booking's busy event loop while fans poll, and the paid fan waits for CONFIRMED. false:
 * anything else (an ended or unknown hold, a repeat, a message that is not a valid event, a change
 * since the read) takes the locked path.
 */
async function confirmedAtOnce(d: BookingDeps, msg: IncomingMessage): Promise<boolean> {
  const event = parseQuietly(msg.value);
  if (!event) return false;
  const r = await together(d).confirm(event);
  if (!r) return false;
  void afterConfirmed(d, r).catch((err: unknown) => d.logger.warn({ err }, 'post-commit effect failed'));
  return true;
}

const batchers = new WeakMap<BookingDeps, ConfirmTogether>();
function together(d: BookingDeps): ConfirmTogether {
  let b = batchers.get(d);
  if (!b) batchers.set(d, (b = new ConfirmTogether(d, PAYMENT_COMPLETED_CONSUMER, (r, paymentId) => confirmedEvent(d, r, paymentId))));
  return b;
}

/** The event, or undefined for a message the locked path parks as poison (consumeWithInbox). */
function parseQuietly(value: string): PaymentCompletedV1 | undefined {
  try {
    const parsed = PaymentCompletedV1.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** reservation-confirmed, confirmed at `r.now`: the database clock of the read the decision was made on. */
function confirmedEvent(d: BookingDeps, r: ReservationToConfirm, paymentId: string) {
  return d.events.reservationConfirmedRow({
    reservationId: r.id,
    concertId: r.concertId,
    seatNumber: r.seatNumber,
    userId: r.userId,
    paymentId,
    confirmedAt: r.now.toISOString(),
  });
}

/** Best effort after the commit: the seat map changed, and the hold's expiry has nothing left to do. */
async function afterConfirmed(d: BookingDeps, r: ReservationToConfirm): Promise<void> {
  d.metrics.confirmations.inc();
  await Promise.all([d.cache.evict(cacheKeys.seatMap(r.concertId), cacheKeys.concertList), d.expiry.unschedule(r.id)]);
}
