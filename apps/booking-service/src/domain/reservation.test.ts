import { describe, expect, it } from 'vitest';
import { canHoldMore, isCancellable, onConcertCancelled, paymentOutcome, type ReservationState } from './reservation';

const deadline = new Date('2026-11-24T10:05:00Z');
const before = new Date(deadline.getTime() - 1000);
const user = 'u1';
const hold = (o: Partial<ReservationState> = {}): ReservationState => ({
  status: 'TEMPORARILY_RESERVED',
  reservedUntil: deadline,
  userId: user,
  paymentId: null,
  ...o,
});

describe('hold limit', () => {
  it('allows up to the configured number of live holds', () => {
    expect(canHoldMore(0, 4)).toBe(true);
    expect(canHoldMore(3, 4)).toBe(true);
    expect(canHoldMore(4, 4)).toBe(false);
    expect(canHoldMore(5, 4)).toBe(false);
  });
});

describe('cancellable?', () => {
  it('only a live hold', () => {
    expect(isCancellable(hold())).toBe(true);
    for (const status of ['CONFIRMED', 'CANCELLED', 'EXPIRED'] as const) {
      expect(isCancellable(hold({ status }))).toBe(false);
    }
  });
});

describe('confirmable? (what a completed payment does)', () => {
  const pay = { paymentId: 'p1', userId: user };

  it('confirms a live hold, even a little past its deadline (whoever locks the row first wins)', () => {
    expect(paymentOutcome(hold(), pay)).toEqual({ kind: 'confirm' });
    expect(paymentOutcome(hold({ reservedUntil: before }), pay)).toEqual({ kind: 'confirm' });
  });

  it('asks for a refund when the hold already ended', () => {
    expect(paymentOutcome(hold({ status: 'EXPIRED' }), pay)).toEqual({ kind: 'refund', reason: 'RESERVATION_EXPIRED' });
    expect(paymentOutcome(hold({ status: 'CANCELLED' }), pay)).toEqual({
      kind: 'refund',
      reason: 'RESERVATION_CANCELLED',
    });
  });

  it('asks for a refund when there is no such reservation for this payer', () => {
    expect(paymentOutcome(undefined, pay)).toEqual({ kind: 'refund', reason: 'RESERVATION_NOT_FOUND' });
    expect(paymentOutcome(hold({ userId: 'someone-else' }), pay)).toEqual({
      kind: 'refund',
      reason: 'RESERVATION_NOT_FOUND',
    });
  });

  it('changes nothing when the same payment confirmed it already, refunds a different one', () => {
    expect(paymentOutcome(hold({ status: 'CONFIRMED', paymentId: 'p1' }), pay)).toEqual({ kind: 'already-confirmed' });
    expect(paymentOutcome(hold({ status: 'CONFIRMED', paymentId: 'p0' }), pay)).toEqual({
      kind: 'refund',
      reason: 'RESERVATION_NOT_FOUND',
    });
  });
});

describe('onConcertCancelled', () => {
  it('cancels live holds, cancels and refunds paid seats, leaves ended ones alone', () => {
    expect(onConcertCancelled({ status: 'TEMPORARILY_RESERVED', paymentId: null })).toBe('cancel');
    expect(onConcertCancelled({ status: 'CONFIRMED', paymentId: '9a0b7c1e-0000-4000-8000-000000000001' })).toBe('cancel-and-refund');
    expect(onConcertCancelled({ status: 'EXPIRED', paymentId: null })).toBe('none');
    expect(onConcertCancelled({ status: 'CANCELLED', paymentId: null })).toBe('none');
  });
});
