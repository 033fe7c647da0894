import { verifyHttpPacts } from '@concert/testing/pact';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { holdSeat } from '../src/use-cases/holds';
import { internalToken } from '../test/support';
import { bookingProvider, openConcert, type BookingProvider } from './support';

/** The internal HTTP API as its consumers (gateway, payment-service) use it: every committed pact naming booking-service. */
describe('booking-service honours its HTTP consumers’ pacts', () => {
  let p: BookingProvider;
  beforeAll(async () => {
    p = await bookingProvider();
  });
  afterAll(() => p?.close());

  it('verifies every pact', () =>
    verifyHttpPacts({
      provider: 'booking-service',
      app: p.app,
      token: internalToken,
      stateHandlers: {
        'a concert open for booking': () => openConcert(p.deps),
        'a fan holds seat 7': async () => {
          const { concertId, userId } = await openConcert(p.deps);
          const r = await holdSeat(p.deps, { userId, concertId, seatNumber: 7 });
          return { concertId, userId, reservationId: r.id };
        },
      },
    }));
});
