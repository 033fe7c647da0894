import { describe, expect, it } from 'vitest';
import { bookingClosedReason, isBookingOpen, type BookingWindow } from '../src/booking-window';

const start = new Date('2026-11-24T09:00:00Z');
const end = new Date('2026-11-24T11:00:00Z');
const at = (t: Date, deltaMs: number) => new Date(t.getTime() + deltaMs);
const open = (o: Partial<BookingWindow> = {}): BookingWindow => ({ status: 'BOOKING_OPEN', bookingStartTime: start, bookingEndTime: end, ...o });

describe('booking window', () => {
  it('is open from the start instant and closed from the end instant: [start, end)', () => {
    expect(bookingClosedReason(open(), at(start, -1))).toBe('NOT_STARTED');
    expect(bookingClosedReason(open(), start)).toBeNull();
    expect(bookingClosedReason(open(), at(end, -1))).toBeNull();
    expect(bookingClosedReason(open(), end)).toBe('ENDED');
    expect(bookingClosedReason(open(), at(end, 1))).toBe('ENDED');
  });

  it('reads ISO strings (the wire) and Dates (a row) alike', () => {
    const wire = open({ bookingStartTime: start.toISOString(), bookingEndTime: end.toISOString() });
    for (const t of [at(start, -1), start, at(end, -1), end]) expect(isBookingOpen(wire, t)).toBe(isBookingOpen(open(), t));
  });

  it('is closed in every other status, whatever the clock', () => {
    for (const status of ['SCHEDULED', 'BOOKING_CLOSED', 'CANCELLED'] as const) {
      expect(bookingClosedReason(open({ status }), at(start, 1))).toBe('NOT_OPEN');
    }
  });
});
