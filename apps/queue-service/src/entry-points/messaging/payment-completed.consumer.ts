import { PaymentCompletedV1 } from '@concert/contracts';
import { PoisonMessage, type MessageHandler } from '@concert/messaging';
import type { QueueDeps } from '../../use-cases/deps';
import { completeSlotOfPayment } from '../../use-cases/waiting-room';

/**
 * payment-completed → end the payer's slot (use-cases/waiting-room.ts). A message that is not
 * JSON or not the contract's shape never will be: it is a PoisonMessage, which the subscriber
 * parks on the dead-letter topic (as booking and payment do) instead of skipping it.
 */
export function paymentCompletedHandler(d: QueueDeps): MessageHandler {
  return async (msg) => {
    let event: PaymentCompletedV1;
    try {
      event = PaymentCompletedV1.parse(JSON.parse(msg.value));
    } catch (err) {
      throw new PoisonMessage('not a valid payment-completed event', { cause: err });
    }
    await completeSlotOfPayment(d, event);
  };
}
