import { randomUUID } from 'node:crypto';
import {
  REQUEST_ID_HEADER,
  TOPICS,
  topicName,
  type PaymentRefundRequestedV1,
  type ReservationCancelledV1,
  type ReservationConfirmedV1,
  type ReservationExpiredV1,
  type SeatReservedV1,
} from '@concert/contracts';
import { enqueueEvent, type Tx } from '@concert/db';
import { currentRequestId } from '@concert/service-kit';
import { outbox, type BookingSchema } from '../data-access/schema';

type Envelope =
  | SeatReservedV1
  | ReservationExpiredV1
  | ReservationCancelledV1
  | ReservationConfirmedV1
  | PaymentRefundRequestedV1;

type TopicKey = 'seatReserved' | 'reservationExpired' | 'reservationCancelled' | 'reservationConfirmed' | 'paymentRefundRequested';

function envelope<E extends Envelope>(type: E['type'], payload: E['payload']): E {
  const requestId = currentRequestId();
  return {
    eventId: randomUUID(),
    type,
    version: 1,
    occurredAt: new Date().toISOString(),
    producer: 'booking-service',
    ...(requestId ? { correlationId: requestId } : {}),
    payload,
  } as E;
}

/**
 * Writes the event into the outbox in the caller's transaction: it is published if and only
 * if the change it announces commits. Keyed by reservation id, so one reservation's events stay
 * in order on one partition.
 */
export function eventWriter(topicPrefix: string) {
  async function write<E extends Envelope>(tx: Tx<BookingSchema>, topic: TopicKey, e: E, reservationId: string) {
    const requestId = currentRequestId();
    await enqueueEvent(tx, outbox, {
      topic: topicName(TOPICS[topic], topicPrefix),
      key: reservationId,
      aggregateType: 'reservation',
      envelope: e,
      ...(requestId ? { headers: { [REQUEST_ID_HEADER]: requestId } } : {}),
    });
  }
  return {
    seatReserved: (tx: Tx<BookingSchema>, p: SeatReservedV1['payload']) =>
      write(tx, 'seatReserved', envelope<SeatReservedV1>('seat-reserved', p), p.reservationId),
    reservationExpired: (tx: Tx<BookingSchema>, p: ReservationExpiredV1['payload']) =>
      write(tx, 'reservationExpired', envelope<ReservationExpiredV1>('reservation-expired', p), p.reservationId),
    reservationCancelled: (tx: Tx<BookingSchema>, p: ReservationCancelledV1['payload']) =>
      write(tx, 'reservationCancelled', envelope<ReservationCancelledV1>('reservation-cancelled', p), p.reservationId),
    reservationConfirmed: (tx: Tx<BookingSchema>, p: ReservationConfirmedV1['payload']) =>
      write(tx, 'reservationConfirmed', envelope<ReservationConfirmedV1>('reservation-confirmed', p), p.reservationId),
    paymentRefundRequested: (tx: Tx<BookingSchema>, p: PaymentRefundRequestedV1['payload']) =>
      write(
        tx,
        'paymentRefundRequested',
        envelope<PaymentRefundRequestedV1>('payment-refund-requested', p),
        p.reservationId,
      ),
  };
}
export type EventWriter = ReturnType<typeof eventWriter>;
