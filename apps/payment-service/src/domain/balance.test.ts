import { describe, expect, it } from 'vitest';
import { ChargeAmount, TransactionCursor, debit, money } from './balance';

describe('ChargeAmount', () => {
  it.each([
    ['1', '1.00'],
    ['0.01', '0.01'],
    ['1000000.00', '1000000.00'],
    ['12.5', '12.50'],
    [' 7.1 ', '7.10'],
  ])('accepts %j as %s', (input, out) => {
    expect(ChargeAmount.parse(input)).toBe(out);
  });
  it.each([['0'], ['0.00'], [0], ['-1'], ['1000000.01'], ['1.001'], [1.005], [12.5], [1000000], ['1e3'], ['abc'], [''], [Number.NaN], [null]])(
    'refuses %j',
    (input) => {
      expect(ChargeAmount.safeParse(input).success).toBe(false);
    },
  );
});

describe('ledger arithmetic', () => {
  it('normalises numeric strings', () => {
    expect(money('120000.00')).toBe('120000.00');
    expect(money('5')).toBe('5.00');
    expect(money('0.5')).toBe('0.50');
  });
  it('accepts only cursors it could have issued', () => {
    expect(TransactionCursor.safeParse('42').success).toBe(true);
    expect(TransactionCursor.safeParse(undefined).success).toBe(true);
    for (const bad of ['0', '-1', 'abc', '1.5', '9'.repeat(16)]) expect(TransactionCursor.safeParse(bad).success).toBe(false);
  });
});

describe('debit', () => {
  it('takes the amount exactly, in cents, down to zero', () => {
    expect(debit('1000.10', '999.99')).toEqual({ previous: '1000.10', remaining: '0.11' });
    expect(debit('120000.00', '120000.00')).toEqual({ previous: '120000.00', remaining: '0.00' });
  });

  it('refuses to take more than there is', () => {
    expect(() => debit('119999.99', '120000.00')).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_BALANCE' }));
  });
});
