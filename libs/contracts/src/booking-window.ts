import type { ConcertStatus } from './enums';

/** What decides whether a concert takes holds (and queue places) at an instant. */
export interface BookingWindow {
  status: ConcertStatus;
  bookingStartTime: Date | string;
  bookingEndTime: Date | string;
}

export type BookingClosedReason = 'NOT_OPEN' | 'NOT_STARTED' | 'ENDED';

const ms = (t: Date | string) => (typeof t === 'string' ? Date.parse(t) : t.getTime());

/**
 * The booking window, the one rule the gateway (queue entry) and booking-service (holds, and
 * the SQL of a hold, pinned to this by a test) share: open while the operator has opened booking
 * and start <= t < end. Half-open: at the end instant booking is closed, so a window that ends
 * at 12:00 and one that starts at 12:00 never both take a hold. null = open.
 */
export function bookingClosedReason(c: BookingWindow, now: Date): BookingClosedReason | null {
  const t = now.getTime();
  if (c.status !== 'BOOKING_OPEN') return 'NOT_OPEN';
  if (t < ms(c.bookingStartTime)) return 'NOT_STARTED';
  if (t >= ms(c.bookingEndTime)) return 'ENDED';
  return null;
}

export const isBookingOpen = (c: BookingWindow, now: Date): boolean => bookingClosedReason(c, now) === null;
