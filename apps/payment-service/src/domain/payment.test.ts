import { describe, expect, it } from 'vitest';
import { DomainError } from '@concert/contracts';
import { decidePayment, type PayableView } from './payment';

const now = new Date('2026-11-24T10:02:00Z');
const hold: PayableView = {
  userId: 'u1',
  status: 'TEMPORARILY_RESERVED',
  price: '120000.00',
  reservedUntil: new Date('2026-11-24T10:05:00Z'),
};
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof DomainError ? err.code : String(err);
  }
  return 'OK';
};

describe('decidePayment', () => {
  it('lets the owner pay a live hold its price', () => {
    expect(decidePayment(hold, undefined, 'u1', now)).toEqual({ amount: '120000.00' });
  });
  it('hides unknown and foreign reservations alike', () => {
    expect(codeOf(() => decidePayment(undefined, undefined, 'u1', now))).toBe('RESERVATION_NOT_FOUND');
    expect(codeOf(() => decidePayment(hold, undefined, 'u2', now))).toBe('RESERVATION_NOT_FOUND');
    expect(codeOf(() => decidePayment(hold, { status: 'COMPLETED' }, 'u2', now))).toBe('RESERVATION_NOT_FOUND');
  });
  it('says ALREADY_PAID for a paid hold, even past its deadline', () => {
    expect(codeOf(() => decidePayment(hold, { status: 'COMPLETED' }, 'u1', now))).toBe('ALREADY_PAID');
    expect(codeOf(() => decidePayment({ ...hold, status: 'EXPIRED' }, { status: 'COMPLETED' }, 'u1', now))).toBe('ALREADY_PAID');
    expect(codeOf(() => decidePayment({ ...hold, status: 'CONFIRMED' }, undefined, 'u1', now))).toBe('ALREADY_PAID');
  });
  it('refuses ended, overdue, tombstoned and refunded holds with RESERVATION_EXPIRED', () => {
    for (const status of ['EXPIRED', 'CANCELLED'] as const) {
      expect(codeOf(() => decidePayment({ ...hold, status }, undefined, 'u1', now))).toBe('RESERVATION_EXPIRED');
    }
    expect(codeOf(() => decidePayment(hold, undefined, 'u1', new Date('2026-11-24T10:05:00Z')))).toBe('RESERVATION_EXPIRED');
    expect(codeOf(() => decidePayment({ ...hold, reservedUntil: null, price: null, status: 'EXPIRED' }, undefined, 'u1', now))).toBe(
      'RESERVATION_EXPIRED',
    );
    expect(codeOf(() => decidePayment(hold, { status: 'REFUNDED' }, 'u1', now))).toBe('RESERVATION_EXPIRED');
  });
});
