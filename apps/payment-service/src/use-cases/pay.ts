import { randomUUID } from 'node:crypto';
import { DomainError, PayableReservation, type ErrorCode } from '@concert/contracts';
import { AppError, currentRequestId, UpstreamProblem } from '@concert/service-kit';
import { money } from '../domain/balance';
import { requestHash } from '../domain/idempotency';
import { decidePayment } from '../domain/payment';
import { paymentView } from '../domain/views';
import { appendLedger, debitBalance, readBalance } from '../data-access/balance.repository';
import { findPayment, findPriorPayment, insertCompletedPayment } from '../data-access/payments.repository';
import { insertFetchedReservation, lockReservation, reservationExists } from '../data-access/reservations.repository';
import type { PaymentMetrics, PaymentResult } from '../metrics';
import type { Deps } from './deps';
import { emit } from './events';
import { idempotently, withBalanceLock } from './idempotency';

/**
 * Pays a held reservation from the balance. Debit, payment row, ledger row, outbox event and
 * the idempotency record commit together or not at all.
 */
export async function pay(deps: Deps, i: { userId: string; reservationId: string; idempotencyKey: string }) {
  try {
    await learnReservationIfUnknown(deps, i.reservationId);
    const ref = { userId: i.userId, scope: 'payment' as const, key: i.idempotencyKey };
    const result = await withBalanceLock(deps, i.userId, () =>
      idempotently(deps, ref, requestHash('payment', { reservationId: i.reservationId }), async (tx) => {
        // The row lock queues concurrent payments of one reservation; the second then sees the first.
        const { reservation, now } = await lockReservation(tx, i.reservationId);
        const prior = reservation ? await findPriorPayment(tx, i.reservationId) : undefined;
        const { amount } = decidePayment(reservation, prior, i.userId, now);

        const change = await debitBalance(tx, i.userId, amount);
        if (!change) {
          if (!(await readBalance(tx, i.userId))) throw new AppError('USER_NOT_FOUND', 'User not found');
          throw new AppError('INSUFFICIENT_BALANCE', `The balance does not cover ${money(amount)}`);
        }
        const paymentId = randomUUID();
        const payment = await insertCompletedPayment(tx, {
          id: paymentId,
          userId: i.userId,
          reservationId: i.reservationId,
          amount,
          previousBalance: change.previous,
          remainingBalance: change.balance,
        });
        await appendLedger(tx, {
          userId: i.userId,
          type: 'PAYMENT',
          amount,
          change,
          relatedId: paymentId,
          description: `Payment for reservation ${i.reservationId}`,
        });
        await emit(tx, {
          type: 'payment-completed',
          prefix: deps.config.KAFKA_TOPIC_PREFIX,
          requestId: currentRequestId(),
          payload: {
            paymentId,
            reservationId: i.reservationId,
            concertId: reservation!.concertId,
            userId: i.userId,
            amount: money(amount),
            paidAt: payment.paidAt!.toISOString(),
          },
        });
        return {
          status: 201,
          body: paymentView(payment),
          balance: { userId: i.userId, balance: money(change.balance), version: change.version },
        };
      }),
    );
    count(deps.metrics, result.replayed ? 'replayed' : 'completed');
    return result;
  } catch (err) {
    count(deps.metrics, resultOf(err));
    throw err;
  }
}

/**
 * "A payment made right after the hold must not fail because seat-reserved is still in flight":
 * ask booking-service once and record what it says. ON CONFLICT DO NOTHING: if the event (or an
 * end event) lands meanwhile, the event wins.
 */
async function learnReservationIfUnknown(deps: Deps, reservationId: string): Promise<void> {
  if (await reservationExists(deps.db, reservationId)) return;
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

export async function getPayment(deps: Deps, paymentId: string, userId: string) {
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
