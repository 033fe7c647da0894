import { MatchersV3, type ConcreteMessage } from '@pact-foundation/pact';
import { iso, messageConsumerPact } from '@concert/testing/pact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentCompletedHandler } from '../src/entry-points/messaging/payment-completed.consumer';
import { enqueue, entryStatus } from '../src/use-cases/waiting-room';
import { queueDeps } from './support';

const { regex, uuid } = MatchersV3;
const CONCERT = '8c9d0e1f-2a3b-4c4d-9e5f-60718293a4b5';
const USER = '9d0e1f2a-3b4c-4d5e-8f60-718293a4b5c6';

const events = messageConsumerPact('queue-service', 'payment-service-events');

/** payment-completed as queue-service's real handler takes it: the payer's active slot ends. */
describe('queue-service consumes payment-completed', () => {
  let q: Awaited<ReturnType<typeof queueDeps>>;
  beforeAll(async () => {
    q = await queueDeps();
  });
  afterAll(async () => {
    await q?.close();
    events.publish(1);
  });

  it('ends the payer’s slot', async () => {
    expect((await enqueue(q.deps, CONCERT, USER)).status).toBe('ACTIVE');
    await events
      .receives('a payment-completed event')
      .withContent({
        eventId: uuid('a0b1c2d3-e4f5-4a6b-8c7d-8e9fa0b1c2d3'),
        type: 'payment-completed',
        version: 1,
        occurredAt: regex(/^\d{4}-\d{2}-\d{2}T.+$/.source, '2030-01-01T10:01:00.000Z'),
        producer: 'payment-service',
        payload: {
          paymentId: uuid('b1c2d3e4-f5a6-4b7c-9d8e-9fa0b1c2d3e4'),
          reservationId: uuid('c2d3e4f5-a6b7-4c8d-8e9f-a0b1c2d3e4f5'),
          concertId: uuid(CONCERT),
          userId: uuid(USER),
          amount: regex(/^\d+\.\d{2}$/.source, '120000.00'),
          paidAt: iso('2030-01-01T10:01:00.000Z'),
        },
      })
      .verify((m: ConcreteMessage) =>
        paymentCompletedHandler(q.deps)({ topic: 'payment-completed', partition: 0, offset: '0', key: null, value: JSON.stringify(m.contents), headers: {} }),
      );
    expect((await entryStatus(q.deps, CONCERT, USER)).status).not.toBe('ACTIVE');
  });
});
