import { describeHttpProvider } from '@concert/testing/pact';
import { holdSeat } from '../src/use-cases/holds';
import { internalToken } from '../test/support';
import { bookingProvider, openConcert } from './support';

/** The internal HTTP API as its consumers (gateway, payment-service) use it: every committed pact naming booking-service. */
describeHttpProvider('booking-service', bookingProvider, internalToken, (p) => ({
  stateHandlers: {
    'a concert open for booking': () => openConcert(p.deps),
    'a fan holds seat 7': async () => {
      const { concertId, userId } = await openConcert(p.deps);
      const r = await holdSeat(p.deps, { userId, concertId, seatNumber: 7 });
      return { concertId, userId, reservationId: r.id };
    },
  },
}));
