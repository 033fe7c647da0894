import { randomUUID } from 'node:crypto';
import { REQUEST_ID_HEADER } from '@concert/contracts';
import type { MessageHandler } from '@concert/messaging';
import { requestContext } from '@concert/service-kit';
import type { BookingDeps } from '../../use-cases/deps';
import { consumePaymentCompleted } from '../../use-cases/payments';

/**
 * `payment-completed` → confirm the hold or request a refund (use-cases/payments.ts), under the
 * request id the payment carried. A message that does not match the contract is parked on the
 * dead-letter topic, never skipped (it may carry money): the dead_lettered_total metric and
 * `npm run reconcile` show it to an operator.
 */
export function paymentCompletedHandler(d: BookingDeps): MessageHandler {
  return (msg) =>
    requestContext.run({ requestId: msg.headers[REQUEST_ID_HEADER] ?? randomUUID() }, () => consumePaymentCompleted(d, msg));
}
