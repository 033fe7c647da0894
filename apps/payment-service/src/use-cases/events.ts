import { TOPICS } from '@concert/contracts';
import { createEventBuilder, createEventWriter, type OutboxRow, type PayloadOf } from '@concert/db';
import type { PaymentTx } from '../data-access/db';
import { outbox } from '../data-access/schema';

const TOPIC_OF = { 'payment-completed': TOPICS.paymentCompleted, 'payment-refunded': TOPICS.paymentRefunded } as const;
type Produced = keyof typeof TOPIC_OF;

/**
 * Writes an event to the outbox in the caller's transaction, checked against its contract first
 * (libs/db event-writer.ts), so a bug fails the transaction instead of reaching consumers.
 */
export async function emit<T extends Produced>(
  tx: PaymentTx,
  o: { type: T; payload: PayloadOf<(typeof TOPIC_OF)[T]>; prefix: string; requestId?: string },
): Promise<void> {
  const write = createEventWriter({ producer: 'payment-service', outbox, topicPrefix: o.prefix, requestId: () => o.requestId });
  await write(tx, TOPIC_OF[o.type], o.payload as PayloadOf<(typeof TOPIC_OF)[Produced]>);
}

/** The same checked event as emit's, as outbox row values for a statement that inserts it itself. */
export function eventRow<T extends Produced>(o: { type: T; payload: PayloadOf<(typeof TOPIC_OF)[T]>; prefix: string; requestId?: string }): OutboxRow {
  const build = createEventBuilder({ producer: 'payment-service', outbox, topicPrefix: o.prefix, requestId: () => o.requestId });
  return build.row(TOPIC_OF[o.type], o.payload as PayloadOf<(typeof TOPIC_OF)[Produced]>);
}
