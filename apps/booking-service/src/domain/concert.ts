import type { ErrorCode } from '@concert/contracts';

export type ConcertStatus = 'SCHEDULED' | 'BOOKING_OPEN' | 'BOOKING_CLOSED' | 'CANCELLED';

export interface BookingWindow {
  status: ConcertStatus;
  totalSeats: number;
  bookingStartTime: Date;
  bookingEndTime: Date;
}

/** Holds are taken only while the operator has opened booking and the clock is inside the window. */
export function isBookingOpen(c: BookingWindow, now: Date): boolean {
  const t = now.getTime();
  return c.status === 'BOOKING_OPEN' && t >= c.bookingStartTime.getTime() && t <= c.bookingEndTime.getTime();
}

/** The checks a hold request passes before any lock or row is touched; null = go ahead. */
export function holdRejection(c: BookingWindow | undefined, seatNumber: number, now: Date): ErrorCode | null {
  if (!c) return 'CONCERT_NOT_FOUND';
  // Seats are numbered 1..totalSeats at creation, so the number alone tells whether it exists.
  if (!Number.isInteger(seatNumber) || seatNumber < 1 || seatNumber > c.totalSeats) return 'SEAT_NOT_FOUND';
  if (!isBookingOpen(c, now)) return 'BOOKING_NOT_OPEN';
  return null;
}

/** A cancelled concert stays cancelled; every other move is an operator's call. */
export function canChangeStatus(from: ConcertStatus, to: ConcertStatus): boolean {
  return from === to || from !== 'CANCELLED';
}

/** numeric(10,2) holds at most 99,999,999.99. */
export const MAX_TICKET_PRICE_CENTS = 9_999_999_999n;
