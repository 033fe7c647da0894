import type { PaymentRefundRequestedV1 } from '@concert/contracts';
import type { Logger } from '@concert/service-kit';
import { money } from '../domain/balance';
import { appendLedger, creditBalance } from '../data-access/balance.repository';
import type { PaymentTx } from '../data-access/db';
import { markRefunded } from '../data-access/payments.repository';
import { emit } from './events';

export interface RefundResult {
  userId: string;
  balance: string;
  version: number;
}

/**
 * booking-service could not honour a payment (its hold had already ended): give the money back.
 * Runs in the consumer's inbox transaction. Idempotent twice over: the inbox skips a redelivered
 * event, and COMPLETED → REFUNDED is a conditional update, so a second request for the same
 * payment (another event id) finds nothing to do.
 */
export async function refundPayment(
  tx: PaymentTx,
  o: { request: PaymentRefundRequestedV1['payload']; prefix: string; requestId?: string; logger: Logger },
): Promise<RefundResult | undefined> {
  const { paymentId, reservationId, reason } = o.request;
  const payment = await markRefunded(tx, paymentId, reservationId);
  if (!payment) {
    o.logger.info({ paymentId, reservationId }, 'refund requested for a payment that is not COMPLETED; nothing to do');
    return undefined;
  }
  const change = await creditBalance(tx, payment.userId, payment.amount);
  if (!change) throw new Error(`user ${payment.userId} of payment ${paymentId} vanished`);
  await appendLedger(tx, {
    userId: payment.userId,
    type: 'REFUND',
    amount: payment.amount,
    change,
    relatedId: paymentId,
    description: `Refund for reservation ${reservationId} (${reason})`,
  });
  await emit(tx, {
    type: 'payment-refunded',
    prefix: o.prefix,
    requestId: o.requestId,
    payload: {
      paymentId,
      reservationId,
      userId: payment.userId,
      amount: money(payment.amount),
      refundedAt: payment.refundedAt!.toISOString(),
    },
  });
  return { userId: payment.userId, balance: money(change.balance), version: change.version };
}
