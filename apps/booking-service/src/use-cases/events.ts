import { TOPICS } from '@concert/contracts';
import { createEventBuilder, createEventWriter, type OutboxRow, type PayloadOf, type Tx } from '@concert/db';
import { currentRequestId } from '@concert/service-kit';
import { outbox, type BookingSchema } from '../data-access/schema';

/**
 * booking-service's events, written into the outbox in the caller's transaction: published if and
 * only if the change they announce commits, each checked against its contract first (libs/db
 * event-writer.ts).
 */
export function eventWriter(topicPrefix: string) {
  const source = { producer: 'booking-service' as const, outbox, topicPrefix, requestId: currentRequestId };
  const write = createEventWriter(source);
  const build = createEventBuilder(source);
  type B = Tx<BookingSchema>;
  return {
    seatReserved: (tx: B, p: PayloadOf<typeof TOPICS.seatReserved>) => write(tx, TOPICS.seatReserved, p),
    reservationExpired: (tx: B, p: PayloadOf<typeof TOPICS.reservationExpired>) => write(tx, TOPICS.reservationExpired, p),
    reservationCancelled: (tx: B, p: PayloadOf<typeof TOPICS.reservationCancelled>) => write(tx, TOPICS.reservationCancelled, p),
    reservationConfirmed: (tx: B, p: PayloadOf<typeof TOPICS.reservationConfirmed>) => write(tx, TOPICS.reservationConfirmed, p),
    paymentRefundRequested: (tx: B, p: PayloadOf<typeof TOPICS.paymentRefundRequested>) => write(tx, TOPICS.paymentRefundRequested, p),
    /** The same checked event as outbox row values, for a statement that inserts it with its change. */
    seatReservedRow: (p: PayloadOf<typeof TOPICS.seatReserved>): OutboxRow => build.row(TOPICS.seatReserved, p),
    reservationConfirmedRow: (p: PayloadOf<typeof TOPICS.reservationConfirmed>): OutboxRow => build.row(TOPICS.reservationConfirmed, p),
  };
}
export type EventWriter = ReturnType<typeof eventWriter>;
