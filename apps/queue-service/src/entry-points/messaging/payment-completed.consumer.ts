import { PaymentCompletedV1 } from '@concert/contracts';
import { parseOrPoison, type MessageHandler } from '@concert/messaging';
import type { QueueDeps } from '../../use-cases/deps';
import { completeSlotOfPayment } from '../../use-cases/waiting-room';

/**
 * payment-completed → end the payer's slot (use-cases/waiting-room.ts). A malformed message is a
 * PoisonMessage (parseOrPoison), parked on the dead-letter topic as booking and payment do.
 */
export function paymentCompletedHandler(d: QueueDeps): MessageHandler {
  return async (msg) => {
    await completeSlotOfPayment(d, parseOrPoison((raw) => PaymentCompletedV1.parse(raw), msg.value));
  };
}
