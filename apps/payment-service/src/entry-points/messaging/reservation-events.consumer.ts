import { ReservationCancelledV1, ReservationExpiredV1, SeatReservedV1, TOPICS } from '@concert/contracts';
import type { EventHandler } from '../../use-cases/event-dispatcher';
import { projectReservationEnded, projectSeatReserved } from '../../use-cases/reservation-projection';

/** booking → payment: a hold exists; payment may take money for it until its deadline. */
export const seatReservedConsumer: EventHandler<typeof SeatReservedV1> = {
  topic: TOPICS.seatReserved,
  schema: SeatReservedV1,
  handle: (tx, { payload }) => projectSeatReserved(tx, payload),
};

export const reservationExpiredConsumer: EventHandler<typeof ReservationExpiredV1> = {
  topic: TOPICS.reservationExpired,
  schema: ReservationExpiredV1,
  handle: (tx, { payload }) => projectReservationEnded(tx, payload, 'EXPIRED'),
};

export const reservationCancelledConsumer: EventHandler<typeof ReservationCancelledV1> = {
  topic: TOPICS.reservationCancelled,
  schema: ReservationCancelledV1,
  handle: (tx, { payload }) => projectReservationEnded(tx, payload, 'CANCELLED'),
};
