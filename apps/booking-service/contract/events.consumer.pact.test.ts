import { MatchersV3, type ConcreteMessage } from '@pact-foundation/pact';
import { iso, messageConsumerPact } from '@concert/testing/pact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentCompletedHandler } from '../src/entry-points/messaging/payment-completed.consumer';
import { PAYMENT_COMPLETED_CONSUMER } from '../src/use-cases/payments';
import { bookingProvider, type BookingProvider } from './support';

const { regex, uuid } = MatchersV3;
const EVENT = '3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f60';
const RESERVATION = '4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6071';

const events = messageConsumerPact('booking-service', 'payment-service-events');

/** payment-completed as booking's real consumer takes it (contract parse, inbox, effect in Postgres). */
describe('booking-service consumes payment-completed', () => {
  let p: BookingProvider;
  beforeAll(async () => {
    p = await bookingProvider();
    await p.pool.query('delete from booking.inbox where consumer = $1 and event_id = $2', [PAYMENT_COMPLETED_CONSUMER, EVENT]);
  });
  afterAll(async () => {
    await p?.close();
    events.publish(1);
  });

  it('answers a payment for a hold it does not know with a refund request', async () => {
    await events
      .receives('a payment-completed event')
      .withContent({
        eventId: uuid(EVENT),
        type: 'payment-completed',
        version: 1,
        occurredAt: regex(/^\d{4}-\d{2}-\d{2}T.+$/.source, '2030-01-01T10:01:00.000Z'),
        producer: 'payment-service',
        payload: {
          paymentId: uuid('5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f607182'),
          reservationId: uuid(RESERVATION),
          concertId: uuid('6a7b8c9d-0e1f-4a2b-9c3d-4e5f60718293'),
          userId: uuid('7b8c9d0e-1f2a-4b3c-8d4e-5f60718293a4'),
          amount: regex(/^\d+\.\d{2}$/.source, '120000.00'),
          paidAt: iso('2030-01-01T10:01:00.000Z'),
        },
      })
      .verify((m: ConcreteMessage) =>
        paymentCompletedHandler(p.deps)({ topic: 'payment-completed', partition: 0, offset: '0', key: RESERVATION, value: JSON.stringify(m.contents), headers: {} }),
      );
    const { rows } = await p.pool.query('select 1 from booking.outbox where aggregateid = $1 and type = $2 and topic like $3', [RESERVATION, 'payment-refund-requested', `${p.topicPrefix}%`]);
    expect(rows).toHaveLength(1);
  });
});
