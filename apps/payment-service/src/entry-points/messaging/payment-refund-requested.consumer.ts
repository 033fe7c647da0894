import { EVENT_HEADERS, PaymentRefundRequestedV1, TOPICS } from '@concert/contracts';
import { refundPayment } from '../../use-cases/refund';
import type { EventHandler } from '../../use-cases/event-dispatcher';

/** booking → payment: booking could not confirm a paid reservation; the money goes back. */
export const paymentRefundRequestedConsumer: EventHandler<typeof PaymentRefundRequestedV1> = {
  topic: TOPICS.paymentRefundRequested,
  schema: PaymentRefundRequestedV1,
  async handle(tx, event, ctx) {
    const refunded = await refundPayment(tx, {
      request: event.payload,
      prefix: ctx.deps.config.KAFKA_TOPIC_PREFIX,
      requestId: ctx.msg.headers[EVENT_HEADERS.requestId] ?? event.correlationId,
      logger: ctx.deps.logger,
    });
    if (refunded) {
      ctx.afterCommit(async () => {
        ctx.deps.metrics.refunds.inc();
        await ctx.deps.cache.put(refunded.userId, refunded.balance, refunded.version).catch(() => ctx.deps.cache.evict(refunded.userId));
      });
    }
  },
};
