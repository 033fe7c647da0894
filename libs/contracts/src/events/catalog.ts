import { z } from 'zod';
import { RefundReason } from '../enums';
import { MoneyString } from '../money';
import { envelopeOf } from './envelope';

const Iso = z.iso.datetime({ offset: true });
const Id = z.uuid();

/**
 * Topic names carry the schema version: a breaking payload change ships as a new topic
 * (`.v2`) consumed side by side until every consumer moved.
 */
export const TOPICS = {
  seatReserved: 'booking.seat-reserved.v1',
  reservationExpired: 'booking.reservation-expired.v1',
  reservationCancelled: 'booking.reservation-cancelled.v1',
  reservationConfirmed: 'booking.reservation-confirmed.v1',
  paymentRefundRequested: 'booking.payment-refund-requested.v1',
  paymentCompleted: 'payment.payment-completed.v1',
  paymentRefunded: 'payment.payment-refunded.v1',
} as const;
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

export const TOPIC_PARTITIONS = 6;

export const SeatReservedV1 = envelopeOf(
  'seat-reserved',
  1,
  z.object({
    reservationId: Id,
    concertId: Id,
    seatId: Id,
    seatNumber: z.number().int().positive(),
    userId: Id,
    price: MoneyString,
    reservedAt: Iso,
    reservedUntil: Iso,
  }),
);

const ReservationEnded = z.object({
  reservationId: Id,
  concertId: Id,
  seatNumber: z.number().int().positive(),
  userId: Id,
});

export const ReservationExpiredV1 = envelopeOf('reservation-expired', 1, ReservationEnded.extend({ expiredAt: Iso }));
export const ReservationCancelledV1 = envelopeOf(
  'reservation-cancelled',
  1,
  ReservationEnded.extend({ cancelledAt: Iso }),
);
export const ReservationConfirmedV1 = envelopeOf(
  'reservation-confirmed',
  1,
  ReservationEnded.extend({ paymentId: Id, confirmedAt: Iso }),
);

export const PaymentRefundRequestedV1 = envelopeOf(
  'payment-refund-requested',
  1,
  z.object({
    reservationId: Id,
    paymentId: Id,
    userId: Id,
    amount: MoneyString,
    reason: RefundReason,
    requestedAt: Iso,
  }),
);

export const PaymentCompletedV1 = envelopeOf(
  'payment-completed',
  1,
  z.object({
    paymentId: Id,
    reservationId: Id,
    concertId: Id,
    userId: Id,
    amount: MoneyString,
    paidAt: Iso,
  }),
);

export const PaymentRefundedV1 = envelopeOf(
  'payment-refunded',
  1,
  z.object({
    paymentId: Id,
    reservationId: Id,
    userId: Id,
    amount: MoneyString,
    refundedAt: Iso,
  }),
);

export type SeatReservedV1 = z.infer<typeof SeatReservedV1>;
export type ReservationExpiredV1 = z.infer<typeof ReservationExpiredV1>;
export type ReservationCancelledV1 = z.infer<typeof ReservationCancelledV1>;
export type ReservationConfirmedV1 = z.infer<typeof ReservationConfirmedV1>;
export type PaymentRefundRequestedV1 = z.infer<typeof PaymentRefundRequestedV1>;
export type PaymentCompletedV1 = z.infer<typeof PaymentCompletedV1>;
export type PaymentRefundedV1 = z.infer<typeof PaymentRefundedV1>;

/** One row per topic: who produces it, who consumes it, its envelope schema. */
export const EVENT_CATALOG = {
  [TOPICS.seatReserved]: { schema: SeatReservedV1, producer: 'booking-service', consumers: ['payment-service'] },
  [TOPICS.reservationExpired]: {
    schema: ReservationExpiredV1,
    producer: 'booking-service',
    consumers: ['payment-service', 'queue-service'],
  },
  [TOPICS.reservationCancelled]: {
    schema: ReservationCancelledV1,
    producer: 'booking-service',
    consumers: ['payment-service', 'queue-service'],
  },
  [TOPICS.reservationConfirmed]: { schema: ReservationConfirmedV1, producer: 'booking-service', consumers: [] },
  [TOPICS.paymentRefundRequested]: {
    schema: PaymentRefundRequestedV1,
    producer: 'booking-service',
    consumers: ['payment-service'],
  },
  [TOPICS.paymentCompleted]: {
    schema: PaymentCompletedV1,
    producer: 'payment-service',
    consumers: ['booking-service', 'queue-service'],
  },
  [TOPICS.paymentRefunded]: { schema: PaymentRefundedV1, producer: 'payment-service', consumers: [] },
} as const satisfies Record<Topic, { schema: z.ZodTypeAny; producer: string; consumers: readonly string[] }>;

export function schemaForTopic(topic: string): z.ZodTypeAny | undefined {
  return (EVENT_CATALOG as Record<string, { schema: z.ZodTypeAny }>)[topic]?.schema;
}

/**
 * Deployment namespace for topics (KAFKA_TOPIC_PREFIX): empty in production; tests and parallel
 * environments sharing one broker use a unique prefix so their events never mix.
 */
export const topicName = (topic: Topic, prefix = ''): string => `${prefix}${topic}`;
