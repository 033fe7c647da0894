import { bookingClosedReason, type BookingWindow, type ConcertStatus, type ErrorCode } from '@concert/contracts';

/** A concert as a hold sees it: its booking window (the shared rule in contracts) and its seats. */
export interface HoldableConcert extends BookingWindow {
  totalSeats: number;
}

/** The checks a hold request passes before any lock or row is touched; null = go ahead. */
export function holdRejection(c: HoldableConcert | undefined, seatNumber: number, now: Date): ErrorCode | null {
  if (!c) return 'CONCERT_NOT_FOUND';
  // Seats are numbered 1..totalSeats at creation, so the number alone tells whether it exists.
  if (!Number.isInteger(seatNumber) || seatNumber < 1 || seatNumber > c.totalSeats) return 'SEAT_NOT_FOUND';
  if (bookingClosedReason(c, now)) return 'BOOKING_NOT_OPEN';
  return null;
}

/** A cancelled concert stays cancelled; every other move is an operator's call. */
export function canChangeStatus(from: ConcertStatus, to: ConcertStatus): boolean {
  return from === to || from !== 'CANCELLED';
}

/** numeric(10,2) holds at most 99,999,999.99. */
export const MAX_TICKET_PRICE_CENTS = 9_999_999_999n;
