import type { Concert, PayableReservation, Reservation } from '@concert/contracts';
import type { ConcertWithAvailability } from '../data-access/concerts.repository';
import type { ReservationRow } from '../data-access/schema';

/** Concert JSON as API.md has it: date and time of day as plain strings, money as a decimal string. */
export function toConcert(c: ConcertWithAvailability): Concert {
  return {
    id: c.id,
    title: c.title,
    artist: c.artist,
    venue: c.venue,
    concertDate: c.concertDate,
    concertTime: c.concertTime.slice(0, 8),
    totalSeats: c.totalSeats,
    price: c.price,
    bookingStartTime: c.bookingStartTime.toISOString(),
    bookingEndTime: c.bookingEndTime.toISOString(),
    status: c.status,
    availableSeats: c.availableSeats,
  };
}

export function toReservation(r: ReservationRow): Reservation {
  return {
    id: r.id,
    concertId: r.concertId,
    seatNumber: r.seatNumber,
    status: r.status,
    price: r.price,
    reservedAt: r.reservedAt.toISOString(),
    reservedUntil: r.reservedUntil.toISOString(),
    confirmedAt: r.confirmedAt ? r.confirmedAt.toISOString() : null,
  };
}

export function toPayable(r: ReservationRow): PayableReservation {
  return {
    reservationId: r.id,
    concertId: r.concertId,
    userId: r.userId,
    seatNumber: r.seatNumber,
    price: r.price,
    status: r.status,
    reservedUntil: r.reservedUntil.toISOString(),
  };
}
