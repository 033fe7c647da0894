import { randomUUID } from 'node:crypto';
import { DomainError, PayableReservation, type ErrorCode } from '@concert/contracts';
import { AppError, currentRequestId, UpstreamProblem } from '@concert/service-kit';
import { debit, money } from '../domain/balance';
import { requestHash } from '../domain/idempotency';
import { decidePayment } from '../domain/payment';
import { paymentView } from '../domain/views';
import { lockForPayment, recordPayment } from '../data-access/money-movement.repository';
import { findPayment } from '../data-access/payments.repository';
import { insertFetchedReservation, reservationExists } from '../data-access/reservations.repository';
import type { PaymentMetrics, PaymentResult } from '../metrics';
import type { PaymentDeps } from './deps';
import { eventRow } from './events';
import { idempotently, withBalanceLock } from './idempotency';

/**
 * Pays a held reservation from the balance. Debit, payment row, ledger row, outbox event and
 * the idempotency record commit together or not at all. A reservation payment-service has not
 * heard of yet (seat-reserved still in flight) is learnt from booking-service, then paid.
 */
export async function pay(deps: PaymentDeps, i: { userId: string; reservationId: string; idempotencyKey: string }) {
  try {
    const result = await payKnown(deps, i).catch(async (err: unknown) => {
      if (!(err instanceof ReservationUnknown)) throw err;
      await learnReservation(deps, i.reservationId);
      return payKnown(deps, i);
    });
    count(deps.metrics, result.replayed ? 'replayed' : 'completed');
    return result;
  } catch (err) {
    count(deps.metrics, resultOf(err));
    throw err;
  }
}

/** Not in the projection yet: the transaction rolls back, and pay() asks booking-service. */
class ReservationUnknown extends Error {}

/** BEGIN, claim the key, lock reservation and balance, record everything, COMMIT: five round trips. */
function payKnown(deps: PaymentDeps, i: { userId: string; reservationId: string; idempotencyKey: string }) {
  const ref = { userId: i.userId, scope: 'payment' as const, key: i.idempotencyKey };
  return withBalanceLock(deps, i.userId, () =>
    idempotently(deps, ref, requestHash('payment', { reservationId: i.reservationId }), async (tx) => {
      // The row locks queue concurrent payments of one reservation and changes of one balance.
      const locked = await lockForPayment(tx, i.reservationId, i.userId);
      if (!locked) {
        if (!(await reservationExists(tx, i.reservationId))) throw new ReservationUnknown();
        throw new AppError('USER_NOT_FOUND', 'User not found');
      }
      const { reservation, prior, now } = locked;
      const { amount } = decidePayment(reservation, prior, i.userId, now);
      const { previous, remaining } = debit(locked.balance, amount);
      const paymentId = randomUUID();
      // paid_at is now(), the transaction's start: the clock `now` was read from.
      const body = paymentView({
        id: paymentId,
        reservationId: i.reservationId,
        amount,
        status: 'COMPLETED',
        previousBalance: previous,
        remainingBalance: remaining,
        paidAt: now,
      });
      const { version } = await recordPayment(tx, {
        userId: i.userId,
        paymentId,
        reservationId: i.reservationId,
        amount,
        previousBalance: previous,
        description: `Payment for reservation ${i.reservationId}`,
        key: ref,
        response: { status: 201, body },
        event: eventRow({
          type: 'payment-completed',
          prefix: deps.config.KAFKA_TOPIC_PREFIX,
          requestId: currentRequestId(),
          payload: {
            paymentId,
            reservationId: i.reservationId,
            concertId: reservation.concertId,
            userId: i.userId,
            amount: money(amount),
            paidAt: now.toISOString(),
          },
        }),
      });
      return { status: 201, body, balance: { userId: i.userId, balance: remaining, version } };
    }),
  );
}

/**
 * "A payment made right after the hold must not fail because seat-reserved is still in flight":
 * ask booking-service once and record what it says. ON CONFLICT DO NOTHING: if the event (or an
 * end event) lands meanwhile, the event wins.
 */
async function learnReservation(deps: PaymentDeps, reservationId: string): Promise<void> {
  let body: unknown;
  try {
    ({ body } = await deps.booking.get<unknown>(`/internal/reservations/${reservationId}/payable`));
  } catch (err) {
    if (err instanceof UpstreamProblem && err.problem.status === 404) {
      throw new AppError('RESERVATION_NOT_FOUND', 'Reservation not found');
    }
    throw err;
  }
  const parsed = PayableReservation.safeParse(body);
  if (!parsed.success || parsed.data.reservationId !== reservationId) {
    deps.logger.error({ reservationId, issues: parsed.error?.issues }, 'booking-service sent an unexpected payable reservation');
    throw new AppError('UPSTREAM_UNAVAILABLE', 'booking-service answered with an unexpected document');
  }
  const r = parsed.data;
  await insertFetchedReservation(deps.db, {
    reservationId,
    userId: r.userId,
    concertId: r.concertId,
    seatNumber: r.seatNumber,
    price: r.price,
    reservedUntil: new Date(r.reservedUntil),
    status: r.status,
  });
}

export async function getPayment(deps: PaymentDeps, paymentId: string, userId: string) {
  const p = await findPayment(deps.db, paymentId);
  if (!p || p.userId !== userId) throw new AppError('PAYMENT_NOT_FOUND', 'Payment not found');
  return paymentView(p);
}

const RESULT_OF: Partial<Record<ErrorCode, PaymentResult>> = {
  INSUFFICIENT_BALANCE: 'insufficient_balance',
  RESERVATION_EXPIRED: 'expired',
  ALREADY_PAID: 'already_paid',
  RESERVATION_NOT_FOUND: 'not_found',
};
function resultOf(err: unknown): PaymentResult {
  if (err instanceof DomainError) return RESULT_OF[err.code] ?? 'rejected';
  return 'error';
}
const count = (m: PaymentMetrics, result: PaymentResult) => m.payments.inc({ result });
