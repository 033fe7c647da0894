import { describe, expect, it } from 'vitest';
import type { DomainError } from '@concert/contracts';
import { assertBookingOpen, assertOwnPass, assertPassAdmits, queueTokenExpiry, toQueueView } from './queue-access';

const concert = { status: 'BOOKING_OPEN' as const, bookingStartTime: '2026-01-01T10:00:00Z', bookingEndTime: '2026-01-01T12:00:00Z' };
const code = (fn: () => void) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return (e as DomainError).code;
  }
};

describe('queue access rules', () => {
  it('enqueue needs BOOKING_OPEN and the booking window', () => {
    expect(code(() => assertBookingOpen(concert, new Date('2026-01-01T11:00:00Z')))).toBe('ok');
    expect(code(() => assertBookingOpen(concert, new Date('2026-01-01T09:59:59Z')))).toBe('BOOKING_NOT_OPEN');
    expect(code(() => assertBookingOpen(concert, new Date('2026-01-01T12:00:00Z')))).toBe('BOOKING_NOT_OPEN');
    expect(code(() => assertBookingOpen({ ...concert, status: 'SCHEDULED' }, new Date('2026-01-01T11:00:00Z')))).toBe('BOOKING_NOT_OPEN');
  });

  it('queue tokens end with the booking window, capped, and live at least a minute', () => {
    const now = new Date('2026-01-01T11:00:00Z');
    const s = now.getTime() / 1000;
    expect(queueTokenExpiry(concert.bookingEndTime, now, 86_400)).toBe(s + 3600);
    expect(queueTokenExpiry(concert.bookingEndTime, now, 600)).toBe(s + 600);
    expect(queueTokenExpiry('2026-01-01T11:00:10Z', now, 600)).toBe(s + 60);
  });

  it('a pass belongs to one user and admits to one concert only while ACTIVE', () => {
    const pass = { userId: 'u1', concertId: 'c1', jti: 'j', exp: 0 };
    expect(code(() => assertOwnPass(pass, 'u2'))).toBe('QUEUE_TOKEN_INVALID');
    expect(code(() => assertOwnPass(pass, 'u1'))).toBe('ok');
    expect(code(() => assertPassAdmits(pass, 'c1', 'ACTIVE'))).toBe('ok');
    expect(code(() => assertPassAdmits(pass, 'c1', 'WAITING'))).toBe('QUEUE_TOKEN_NOT_ACTIVE');
    expect(code(() => assertPassAdmits(pass, 'c1', undefined))).toBe('QUEUE_TOKEN_NOT_ACTIVE');
    expect(code(() => assertPassAdmits(pass, 'c2', 'ACTIVE'))).toBe('QUEUE_TOKEN_NOT_ACTIVE');
  });

  it('position is 1-based while WAITING and 0 once ACTIVE', () => {
    const base = { concertId: 'c', estimatedWaitSeconds: 12, activeUntil: null };
    expect(toQueueView({ ...base, status: 'WAITING', position: 3 })).toMatchObject({ position: 3, estimatedWaitSeconds: 12, activeUntil: null });
    expect(toQueueView({ ...base, status: 'ACTIVE', position: 0, activeUntil: '2026-01-01T11:05:00Z' })).toMatchObject({ position: 0, estimatedWaitSeconds: 0, activeUntil: '2026-01-01T11:05:00Z' });
  });
});
