import type {
  PaymentCompletedV1,
  PaymentRefundRequestedV1,
  PaymentRefundedV1,
  ReservationCancelledV1,
  ReservationConfirmedV1,
  ReservationExpiredV1,
  SeatReservedV1,
} from './catalog';
import { TOPICS } from './catalog';

const concertId = '7b0e6c1e-2f4a-4c1d-9a55-0d4b7c1e2f01';
const reservationId = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const userId = '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
const paymentId = 'c1d2e3f4-a5b6-4c7d-8e9f-a0b1c2d3e4f5';
const seatId = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';

/** Canonical examples: producers' tests compare shapes, consumers' tests feed them in. */
export const EXAMPLE_EVENTS = {
  [TOPICS.seatReserved]: {
    eventId: '11111111-1111-4111-8111-111111111111',
    type: 'seat-reserved',
    version: 1,
    occurredAt: '2026-11-24T10:00:00.000Z',
    producer: 'booking-service',
    payload: {
      reservationId,
      concertId,
      seatId,
      seatNumber: 7,
      userId,
      price: '120000.00',
      reservedAt: '2026-11-24T10:00:00.000Z',
      reservedUntil: '2026-11-24T10:05:00.000Z',
    },
  } satisfies SeatReservedV1,
  [TOPICS.reservationExpired]: {
    eventId: '22222222-2222-4222-8222-222222222222',
    type: 'reservation-expired',
    version: 1,
    occurredAt: '2026-11-24T10:05:00.100Z',
    producer: 'booking-service',
    payload: { reservationId, concertId, seatNumber: 7, userId, expiredAt: '2026-11-24T10:05:00.100Z' },
  } satisfies ReservationExpiredV1,
  [TOPICS.reservationCancelled]: {
    eventId: '33333333-3333-4333-8333-333333333333',
    type: 'reservation-cancelled',
    version: 1,
    occurredAt: '2026-11-24T10:01:00.000Z',
    producer: 'booking-service',
    payload: { reservationId, concertId, seatNumber: 7, userId, cancelledAt: '2026-11-24T10:01:00.000Z' },
  } satisfies ReservationCancelledV1,
  [TOPICS.reservationConfirmed]: {
    eventId: '44444444-4444-4444-8444-444444444444',
    type: 'reservation-confirmed',
    version: 1,
    occurredAt: '2026-11-24T10:02:00.050Z',
    producer: 'booking-service',
    payload: { reservationId, concertId, seatNumber: 7, userId, paymentId, confirmedAt: '2026-11-24T10:02:00.050Z' },
  } satisfies ReservationConfirmedV1,
  [TOPICS.paymentRefundRequested]: {
    eventId: '55555555-5555-4555-8555-555555555555',
    type: 'payment-refund-requested',
    version: 1,
    occurredAt: '2026-11-24T10:05:01.000Z',
    producer: 'booking-service',
    payload: {
      reservationId,
      paymentId,
      userId,
      amount: '120000.00',
      reason: 'RESERVATION_EXPIRED',
      requestedAt: '2026-11-24T10:05:01.000Z',
    },
  } satisfies PaymentRefundRequestedV1,
  [TOPICS.paymentCompleted]: {
    eventId: '66666666-6666-4666-8666-666666666666',
    type: 'payment-completed',
    version: 1,
    occurredAt: '2026-11-24T10:02:00.000Z',
    producer: 'payment-service',
    payload: { paymentId, reservationId, concertId, userId, amount: '120000.00', paidAt: '2026-11-24T10:02:00.000Z' },
  } satisfies PaymentCompletedV1,
  [TOPICS.paymentRefunded]: {
    eventId: '77777777-7777-4777-8777-777777777777',
    type: 'payment-refunded',
    version: 1,
    occurredAt: '2026-11-24T10:05:02.000Z',
    producer: 'payment-service',
    payload: { paymentId, reservationId, userId, amount: '120000.00', refundedAt: '2026-11-24T10:05:02.000Z' },
  } satisfies PaymentRefundedV1,
} as const;
