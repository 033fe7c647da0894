import { PaymentCompletedV1 } from '@concert/contracts';
import type { IncomingMessage } from '@concert/messaging';
import type { Logger } from '@concert/service-kit';
import type { QueueRepository } from '../../data-access/queue.repository';
import type { QueueMetrics } from '../../queue-metrics';

/**
 * payment-completed ends the payer's active slot at once; the next tick hands it to the next fan.
 * Idempotent without an inbox: ending a slot twice is a no-op, and a slot admitted after the
 * payment (the fan queued again) is kept, so a redelivered event cannot end a later visit.
 */
export function paymentCompletedHandler(deps: { repo: QueueRepository; metrics: QueueMetrics; logger: Logger }) {
  const { repo, metrics, logger } = deps;
  return async (msg: IncomingMessage): Promise<void> => {
    let json: unknown;
    try {
      json = JSON.parse(msg.value);
    } catch {
      json = undefined;
    }
    const parsed = PaymentCompletedV1.safeParse(json);
    if (!parsed.success) {
      // A malformed event will never become valid by retrying: skip it, loudly.
      logger.error(
        { topic: msg.topic, partition: msg.partition, offset: msg.offset, issues: parsed.error.issues.slice(0, 5) },
        'invalid payment-completed event skipped',
      );
      return;
    }
    const { eventId, payload } = parsed.data;
    const outcome = await repo.complete(
      payload.concertId.toLowerCase(),
      payload.userId.toLowerCase(),
      Date.parse(payload.paidAt),
    );
    if (outcome === 'completed') metrics.completed.inc();
    logger.info(
      { eventId, concertId: payload.concertId, userId: payload.userId, outcome, requestId: msg.headers['x-request-id'] },
      'payment-completed handled',
    );
  };
}
