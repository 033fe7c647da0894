import { randomUUID } from 'node:crypto';
import { EXAMPLE_EVENTS, TOPICS } from '@concert/contracts';
import { describeMessageProvider } from '@concert/testing/pact';
import { expireHolds } from '../src/use-cases/expiry';
import { holdSeat } from '../src/use-cases/holds';
import { consumePaymentCompleted } from '../src/use-cases/payments';
import { cancelReservation } from '../src/use-cases/reservations';
import { bookingProvider, openConcert } from './support';

/**
 * booking's events as its consumers expect them, produced by the real flows (hold, expiry,
 * cancel, a payment that lost the race) and read back from the outbox rows they wrote: exactly
 * what the relay would publish.
 */
describeMessageProvider('booking-service-events', bookingProvider, (p) => {
  const written = async (reservationId: string, type: string) => {
    const { rows } = await p.pool.query<{ payload: unknown }>(
      'select payload from booking.outbox where aggregateid = $1 and type = $2 and topic like $3 order by id desc limit 1',
      [reservationId, type, `${p.topicPrefix}%`],
    );
    if (!rows[0]) throw new Error(`no ${type} written for ${reservationId}`);
    return rows[0].payload;
  };
  const hold = async () => {
    const { concertId, userId } = await openConcert(p.deps);
    return { userId, ...(await holdSeat(p.deps, { userId, concertId, seatNumber: 7 })) };
  };
  const expire = async (id: string) => {
    await p.pool.query("update booking.reservations set reserved_until = now() - interval '1 second' where id = $1", [id]);
    await expireHolds(p.deps, { source: 'job', reservationId: id });
  };

  return {
    'a seat-reserved event': async () => written((await hold()).id, 'seat-reserved'),
    'a reservation-expired event': async () => {
      const r = await hold();
      await expire(r.id);
      return written(r.id, 'reservation-expired');
    },
    'a reservation-cancelled event': async () => {
      const r = await hold();
      await cancelReservation(p.deps, r.id, r.userId);
      return written(r.id, 'reservation-cancelled');
    },
    'a payment-refund-requested event': async () => {
      const r = await hold();
      await expire(r.id);
      const paid = EXAMPLE_EVENTS[TOPICS.paymentCompleted];
      const event = { ...paid, eventId: randomUUID(), payload: { ...paid.payload, paymentId: randomUUID(), reservationId: r.id, concertId: r.concertId, userId: r.userId, amount: r.price } };
      await consumePaymentCompleted(p.deps, { topic: 'payment-completed', partition: 0, offset: '0', key: r.id, value: JSON.stringify(event), headers: {} });
      return written(r.id, 'payment-refund-requested');
    },
  };
});
