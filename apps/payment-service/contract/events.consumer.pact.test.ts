import { MatchersV3, type ConcreteMessage } from '@pact-foundation/pact';
import { TOPICS, topicName } from '@concert/contracts';
import { iso, messageConsumerPact } from '@concert/testing/pact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentRefundRequestedConsumer } from '../src/entry-points/messaging/payment-refund-requested.consumer';
import { reservationCancelledConsumer, reservationExpiredConsumer, seatReservedConsumer } from '../src/entry-points/messaging/reservation-events.consumer';
import { createEventDispatcher } from '../src/use-cases/event-dispatcher';
import { paymentDeps, type PaymentFixture } from './support';

const { regex, uuid, integer } = MatchersV3;
const money = (example: string) => regex(/^\d+\.\d{2}$/.source, example);
const RESERVATION = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const USER = 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e';
const EVENTS = {
  'seat-reserved': { id: 'c3d4e5f6-a7b8-4c9d-8e1f-2a3b4c5d6e7f', topic: TOPICS.seatReserved },
  'reservation-expired': { id: 'd4e5f6a7-b8c9-4d0e-9f2a-3b4c5d6e7f80', topic: TOPICS.reservationExpired },
  'reservation-cancelled': { id: 'e5f6a7b8-c9d0-4e1f-8a3b-4c5d6e7f8091', topic: TOPICS.reservationCancelled },
  'payment-refund-requested': { id: 'f6a7b8c9-d0e1-4f2a-9b4c-5d6e7f8091a2', topic: TOPICS.paymentRefundRequested },
} as const;
type EventType = keyof typeof EVENTS;

const ended = { reservationId: uuid(RESERVATION), concertId: uuid('0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'), seatNumber: integer(7), userId: uuid(USER) };

const events = messageConsumerPact('payment-service', 'booking-service-events');

/** booking's events as payment-service's real dispatcher takes them: contract parse, inbox, effect in Postgres. */
describe('payment-service consumes booking-service’s events', () => {
  let p: PaymentFixture;
  let handle: ReturnType<typeof createEventDispatcher>['handle'];
  /** One message interaction: booking's envelope around `payload`, delivered on its topic to the real dispatcher. */
  const receive = (type: EventType, payload: Record<string, unknown>) =>
    events
      .receives(`a ${type} event`)
      .withContent({ eventId: uuid(EVENTS[type].id), type, version: 1, occurredAt: iso('2030-01-01T10:00:00.000Z'), producer: 'booking-service', payload })
      .verify((m: ConcreteMessage) =>
        handle({ topic: topicName(EVENTS[type].topic, p.topicPrefix), partition: 0, offset: '0', key: RESERVATION, value: JSON.stringify(m.contents), headers: {} }),
      );
  const projection = async () =>
    (await p.pool.query('select status::text from payment.payable_reservations where reservation_id = $1', [RESERVATION])).rows[0]?.status;
  const inboxed = async (type: EventType) => (await p.pool.query('select 1 from payment.inbox where event_id = $1', [EVENTS[type].id])).rows;

  beforeAll(async () => {
    p = await paymentDeps();
    handle = createEventDispatcher(p.deps, [seatReservedConsumer, reservationExpiredConsumer, reservationCancelledConsumer, paymentRefundRequestedConsumer]).handle;
    // Start over: the inbox would take a replayed example as already handled.
    await p.pool.query('delete from payment.inbox where event_id = any($1::uuid[])', [Object.values(EVENTS).map((e) => e.id)]);
    await p.pool.query('delete from payment.payable_reservations where reservation_id = $1', [RESERVATION]);
  });
  afterAll(async () => {
    await p?.close();
    events.publish(4);
  });

  it('seat-reserved makes the hold payable', async () => {
    await receive('seat-reserved', {
      ...ended,
      seatId: uuid('1b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e'),
      price: money('120000.00'),
      reservedAt: iso('2030-01-01T10:00:00.000Z'),
      reservedUntil: iso('2030-01-01T10:05:00.000Z'),
    });
    expect(await projection()).toBe('TEMPORARILY_RESERVED');
  });

  it('reservation-expired ends it', async () => {
    await receive('reservation-expired', { ...ended, expiredAt: iso('2030-01-01T10:05:00.000Z') });
    expect(await projection()).toBe('EXPIRED');
  });

  it('reservation-cancelled is taken', async () => {
    await receive('reservation-cancelled', { ...ended, cancelledAt: iso('2030-01-01T10:03:00.000Z') });
    expect(await inboxed('reservation-cancelled')).toHaveLength(1);
  });

  it('payment-refund-requested is taken', async () => {
    await receive('payment-refund-requested', {
      reservationId: uuid(RESERVATION),
      paymentId: uuid('2c3d4e5f-6a7b-4c8d-8e9f-1a2b3c4d5e6f'),
      userId: uuid(USER),
      amount: money('120000.00'),
      reason: regex('^(RESERVATION_EXPIRED|RESERVATION_CANCELLED|RESERVATION_NOT_FOUND)$', 'RESERVATION_EXPIRED'),
      requestedAt: iso('2030-01-01T10:06:00.000Z'),
    });
    expect(await inboxed('payment-refund-requested')).toHaveLength(1);
  });
});
