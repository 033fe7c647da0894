import { randomUUID } from 'node:crypto';
import { PaymentCompletedV1, REQUEST_ID_HEADER } from '@concert/contracts';
import { consumeWithInbox } from '@concert/db';
import type { MessageHandler } from '@concert/messaging';
import { requestContext } from '@concert/service-kit';
import { inbox } from '../../data-access/schema';
import type { BookingDeps } from '../../use-cases/deps';
import { applyPaymentCompleted, type AfterCommit } from '../../use-cases/payments';

export const PAYMENT_COMPLETED_CONSUMER = 'booking-service.payment-completed';

/**
 * `payment-completed` → confirm the hold or request a refund. The inbox row and the effect
 * commit together, so a redelivered event changes nothing. A message that does not match the
 * contract is parked on the dead-letter topic, never skipped (it may carry money): the
 * dead_lettered_total metric and `npm run reconcile` show it to an operator.
 */
export function paymentCompletedHandler(d: BookingDeps): MessageHandler {
  return async (msg) => {
    const afterCommit: AfterCommit = [];
    const handle = consumeWithInbox({
      db: d.db,
      inbox,
      consumer: PAYMENT_COMPLETED_CONSUMER,
      parse: (raw) => PaymentCompletedV1.parse(raw),
      handler: async (tx, event) => {
        afterCommit.length = 0; // a retried transaction starts over
        await applyPaymentCompleted(d, tx, event.payload, afterCommit);
      },
    });
    const requestId = msg.headers[REQUEST_ID_HEADER] ?? randomUUID();
    await requestContext.run({ requestId }, async () => {
      await handle(msg);
      for (const effect of afterCommit) {
        await effect().catch((err: unknown) => d.logger.warn({ err }, 'post-commit effect failed'));
      }
    });
  };
}
