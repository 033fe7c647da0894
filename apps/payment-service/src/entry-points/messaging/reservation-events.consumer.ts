import {
  ReservationCancelledV1,
  ReservationExpiredV1,
  SeatReservedV1,
  TOPICS,
} from '@concert/contracts';
import { recordReservationEnded, recordSeatReserved } from '../../data-access/reservations.repository';
import type { EventHandler } from './handler';

/** booking → payment: a hold exists; payment may take money for it until its deadline. */
export const seatReservedConsumer: EventHandler<typeof SeatReservedV1> = {
  topic: TOPICS.seatReserved,
  schema: SeatReservedV1,
  async handle(tx, { payload: p }) {
    await recordSeatReserved(tx, {
      reservationId: p.reservationId,
      userId: p.userId,
      concertId: p.concertId,
      seatNumber: p.seatNumber,
      price: p.price,
      reservedUntil: new Date(p.reservedUntil),
    });
  },
};

export const reservationExpiredConsumer: EventHandler<typeof ReservationExpiredV1> = {
  topic: TOPICS.reservationExpired,
  schema: ReservationExpiredV1,
  async handle(tx, { payload: p }) {
    await recordReservationEnded(tx, { ...pick(p), status: 'EXPIRED' });
  },
};

export const reservationCancelledConsumer: EventHandler<typeof ReservationCancelledV1> = {
  topic: TOPICS.reservationCancelled,
  schema: ReservationCancelledV1,
  async handle(tx, { payload: p }) {
    await recordReservationEnded(tx, { ...pick(p), status: 'CANCELLED' });
  },
};

const pick = (p: { reservationId: string; userId: string; concertId: string; seatNumber: number }) => ({
  reservationId: p.reservationId,
  userId: p.userId,
  concertId: p.concertId,
  seatNumber: p.seatNumber,
});
