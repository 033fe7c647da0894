import { describe, expect, it } from 'vitest';
import { canChangeStatus, holdRejection, type HoldableConcert } from './concert';

const now = new Date('2026-11-24T10:00:00Z');
const concert = (o: Partial<HoldableConcert> = {}): HoldableConcert => ({
  status: 'BOOKING_OPEN',
  totalSeats: 50,
  bookingStartTime: new Date('2026-11-24T09:00:00Z'),
  bookingEndTime: new Date('2026-11-24T11:00:00Z'),
  ...o,
});

describe('hold allowed?', () => {
  it('names the first reason a hold is refused, in API order', () => {
    expect(holdRejection(undefined, 1, now)).toBe('CONCERT_NOT_FOUND');
    expect(holdRejection(concert(), 0, now)).toBe('SEAT_NOT_FOUND');
    expect(holdRejection(concert(), 51, now)).toBe('SEAT_NOT_FOUND');
    expect(holdRejection(concert({ status: 'SCHEDULED' }), 51, now)).toBe('SEAT_NOT_FOUND');
    expect(holdRejection(concert({ status: 'SCHEDULED' }), 50, now)).toBe('BOOKING_NOT_OPEN');
    expect(holdRejection(concert(), 1, now)).toBeNull();
    expect(holdRejection(concert(), 50, now)).toBeNull();
  });
});

describe('concert status changes', () => {
  it('lets operators move freely, except out of CANCELLED', () => {
    expect(canChangeStatus('SCHEDULED', 'BOOKING_OPEN')).toBe(true);
    expect(canChangeStatus('BOOKING_OPEN', 'BOOKING_CLOSED')).toBe(true);
    expect(canChangeStatus('BOOKING_CLOSED', 'BOOKING_OPEN')).toBe(true);
    expect(canChangeStatus('BOOKING_OPEN', 'CANCELLED')).toBe(true);
    expect(canChangeStatus('CANCELLED', 'CANCELLED')).toBe(true);
    expect(canChangeStatus('CANCELLED', 'BOOKING_OPEN')).toBe(false);
    expect(canChangeStatus('CANCELLED', 'SCHEDULED')).toBe(false);
  });
});
