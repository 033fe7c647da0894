import { randomUUID } from 'node:crypto';
import { EVENT_HEADERS, PaymentCompletedV1, PaymentRefundedV1, TOPICS, topicName } from '@concert/contracts';
import { enqueueEvent } from '@concert/db';
import type { z } from 'zod';
import type { PaymentTx } from '../data-access/db';
import { outbox } from '../data-access/schema';

const PRODUCED = {
  'payment-completed': { topic: TOPICS.paymentCompleted, schema: PaymentCompletedV1 },
  'payment-refunded': { topic: TOPICS.paymentRefunded, schema: PaymentRefundedV1 },
} as const;
type Produced = typeof PRODUCED;
type PayloadOf<T extends keyof Produced> = z.infer<Produced[T]['schema']>['payload'];

/**
 * Writes an event to the outbox in the caller's transaction. The envelope is validated against
 * the contract here, so a bug fails the transaction instead of reaching consumers.
 */
export async function emit<T extends keyof Produced>(
  tx: PaymentTx,
  o: { type: T; payload: PayloadOf<T>; prefix: string; requestId?: string },
): Promise<void> {
  const { topic, schema } = PRODUCED[o.type];
  const envelope = schema.parse({
    eventId: randomUUID(),
    type: o.type,
    version: 1,
    occurredAt: new Date().toISOString(),
    producer: 'payment-service',
    ...(o.requestId ? { correlationId: o.requestId.slice(0, 128) } : {}),
    payload: o.payload,
  });
  await enqueueEvent(tx, outbox, {
    topic: topicName(topic, o.prefix),
    // Kafka key = reservation id: booking's and payment's events of one reservation stay in order.
    key: o.payload.reservationId,
    aggregateType: 'reservation',
    envelope,
    headers: o.requestId ? { [EVENT_HEADERS.requestId]: o.requestId } : {},
  });
}
