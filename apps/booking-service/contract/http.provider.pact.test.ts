import { Verifier } from '@pact-foundation/pact';
import { pactsFor } from '@concert/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdSeat } from '../src/use-cases/holds';
import { bookingProvider, openConcert, type BookingProvider } from './support';

/** The internal HTTP API as its consumers (gateway, payment-service) use it: every committed pact naming booking-service. */
describe('booking-service honours its HTTP consumers’ pacts', () => {
  let p: BookingProvider;
  beforeAll(async () => {
    p = await bookingProvider();
  });
  afterAll(() => p?.close());

  it('verifies every pact', async () => {
    const pactUrls = pactsFor('booking-service');
    expect(pactUrls.length).toBeGreaterThan(0);
    await new Verifier({
      provider: 'booking-service',
      providerBaseUrl: p.url,
      pactUrls,
      requestFilter: p.withInternalToken,
      logLevel: 'warn',
      stateHandlers: {
        'a concert open for booking': () => openConcert(p.deps),
        'a fan holds seat 7': async () => {
          const { concertId, userId } = await openConcert(p.deps);
          const r = await holdSeat(p.deps, { userId, concertId, seatNumber: 7 });
          return { concertId, userId, reservationId: r.id };
        },
      },
    }).verifyProvider();
  });
});
