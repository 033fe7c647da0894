import { describe, expect, it } from 'vitest';
import { centsToMoney, countSeats, formatMoney, moneyCents, pruneTaken, seatLooks, shortfall, type Seat } from './seat-map';

const seats: Seat[] = [
  { seatNumber: 1, status: 'AVAILABLE' },
  { seatNumber: 2, status: 'TEMPORARILY_RESERVED' },
  { seatNumber: 3, status: 'RESERVED' },
  { seatNumber: 4, status: 'TEMPORARILY_RESERVED' },
  { seatNumber: 5, status: 'RESERVED' },
  { seatNumber: 6, status: 'AVAILABLE' },
];

describe('seat looks', () => {
  it("tells this fan's seats from other fans' seats", () => {
    const looks = seatLooks(seats, [
      { seatNumber: 4, status: 'TEMPORARILY_RESERVED' },
      { seatNumber: 5, status: 'CONFIRMED' },
      { seatNumber: 1, status: 'EXPIRED' },
    ]);
    expect(Object.fromEntries(looks)).toEqual({ 1: 'free', 2: 'held', 3: 'sold', 4: 'mine-held', 5: 'mine-sold', 6: 'free' });
  });
  it('shows a seat being held as pending, and a lost race as taken before the next poll', () => {
    const looks = seatLooks(seats, [], new Set([6]), new Set([1]));
    expect(looks.get(6)).toBe('pending');
    expect(looks.get(1)).toBe('held');
  });
  it('a hold of mine that the map shows released is free again (it expired)', () => {
    const looks = seatLooks(seats, [{ seatNumber: 1, status: 'TEMPORARILY_RESERVED' }]);
    expect(looks.get(1)).toBe('free');
  });
  it('counts free, held and reserved seats', () => {
    expect(countSeats(seats)).toEqual({ free: 2, held: 2, reserved: 2, total: 6 });
  });
  it('forgets a lost-race mark once the map agrees or after a while', () => {
    const taken = new Map([
      [1, 1000],
      [2, 1000],
      [6, 0],
    ]);
    // Seat 2 is held on the map now (no mark needed); seat 6's mark is too old.
    expect([...pruneTaken(taken, seats, 3500, 3000).keys()]).toEqual([1]);
  });
});

describe('money', () => {
  it('compares decimal strings exactly', () => {
    expect(moneyCents('120000.00')).toBe(12_000_000n);
    expect(moneyCents('0.1')).toBe(10n);
    expect(moneyCents('5')).toBe(500n);
    expect(centsToMoney(12_000_005n)).toBe('120000.05');
    expect(centsToMoney(-5n)).toBe('-0.05');
    expect(() => moneyCents('1e5')).toThrow();
  });
  it('says how much is missing to pay', () => {
    expect(shortfall('30000.00', '50000.00')).toBe('20000.00');
    expect(shortfall('50000.00', '50000.00')).toBe('0.00');
    expect(shortfall('0.10', '0.30')).toBe('0.20');
  });
  it('formats with thousands separators', () => {
    expect(formatMoney('1234567.5')).toBe('1,234,567.50');
    expect(formatMoney('100.00')).toBe('100.00');
  });
});
