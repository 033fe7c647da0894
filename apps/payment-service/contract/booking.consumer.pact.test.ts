import { randomUUID } from 'node:crypto';
import { MatchersV3 } from '@pact-foundation/pact';
import { httpConsumerPact, internalHeaders, iso, JSON_BODY, PROBLEM_BODY, settledTest } from '@concert/testing/pact';
import { afterAll, describe, expect, it } from 'vitest';
import { pay } from '../src/use-cases/pay';
import { fan, paymentDeps, type PaymentFixture } from './support';

const { regex, uuid } = MatchersV3;
const RESERVATION = '7b9d1f35-6a8c-4e0f-9b2d-4c5a7f9b1d36';
const USER = '8c0e2a46-7b9d-4f1a-8c3e-5d6b8a0c2e47';

const { pact, publish } = httpConsumerPact('payment-service', 'booking-service');

/**
 * payment-service asks booking-service about a hold whose seat-reserved event has not arrived
 * yet (use-cases/pay.ts): the real pay() runs against the mock server with its real client.
 */
describe('payment-service → booking-service', () => {
  afterAll(() => publish(2));

  const withDeps = (test: (p: PaymentFixture) => Promise<void>) =>
    settledTest(pact, async (server) => {
      const p = await paymentDeps(server.url);
      try {
        // The projection must not know the hold yet, or pay() never asks.
        await p.pool.query('delete from payment.payable_reservations where reservation_id = $1', [RESERVATION]);
        await test(p);
      } finally {
        await p.close();
      }
    });

  it('learns a hold it has not heard of and records it', async () => {
    pact
      .given('a fan holds seat 7')
      .uponReceiving('a request for a payable reservation')
      .withRequest({
        method: 'GET',
        path: MatchersV3.fromProviderState('/internal/reservations/${reservationId}/payable', `/internal/reservations/${RESERVATION}/payable`),
        headers: internalHeaders,
      })
      .willRespondWith({
        status: 200,
        headers: JSON_BODY,
        body: {
          reservationId: uuid(RESERVATION),
          concertId: uuid('9d1f3b57-8c0e-4a2b-9d4f-6e7c9b1d3f58'),
          userId: uuid(USER),
          seatNumber: MatchersV3.integer(7),
          price: regex(/^\d+\.\d{2}$/.source, '120000.00'),
          status: 'TEMPORARILY_RESERVED',
          reservedUntil: iso('2099-01-01T00:05:00.000Z'),
        },
      });
    await withDeps(async (p) => {
      const payer = await fan(p.deps, { balance: '500000.00' });
      // Someone else's hold: refused, but only after booking's answer was recorded.
      await expect(pay(p.deps, { userId: payer.userId, reservationId: RESERVATION, idempotencyKey: randomUUID() })).rejects.toThrow();
      const { rows } = await p.pool.query('select user_id::text, status::text, price::text from payment.payable_reservations where reservation_id = $1', [RESERVATION]);
      expect(rows[0]).toEqual({ user_id: USER, status: 'TEMPORARILY_RESERVED', price: '120000.00' });
    });
  });

  it('refuses a payment for a hold booking does not know', async () => {
    pact
      .uponReceiving('a request for a payable reservation that does not exist')
      .withRequest({ method: 'GET', path: `/internal/reservations/${RESERVATION}/payable`, headers: internalHeaders })
      .willRespondWith({
        status: 404,
        headers: PROBLEM_BODY,
        body: { type: MatchersV3.string('https://errors.concert.example/x'), title: MatchersV3.string('t'), status: 404, detail: MatchersV3.string('d'), code: 'RESERVATION_NOT_FOUND' },
      });
    await withDeps(async (p) => {
      const payer = await fan(p.deps, { balance: '500000.00' });
      await expect(pay(p.deps, { userId: payer.userId, reservationId: RESERVATION, idempotencyKey: randomUUID() })).rejects.toMatchObject({ code: 'RESERVATION_NOT_FOUND' });
    });
  });
});
