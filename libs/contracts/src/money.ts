import { z } from 'zod';

/** Money on the wire: a decimal string with exactly two places, e.g. "120000.00". */
export const MoneyString = z.string().regex(/^(0|[1-9]\d{0,11})\.\d{2}$/, 'must be a decimal string with two places');
export type MoneyString = z.infer<typeof MoneyString>;

const AMOUNT_INPUT = /^(0|[1-9]\d{0,11})(\.\d{1,2})?$/;
export const MAX_CHARGE = '1000000.00';

/**
 * Amount as a client may send it: a decimal string with at most two places, normalised to two.
 * A JSON number is refused (the contract says money is never one): a client that computes money
 * in floats has a bug we would rather show it at once than round for it.
 */
export const AmountInput = z
  .string({ error: (issue) => (issue.input === undefined ? 'required' : 'must be a decimal string such as "100.00", not a JSON number') })
  .transform((v, ctx) => {
    const s = v.trim();
    if (!AMOUNT_INPUT.test(s)) {
      ctx.addIssue({ code: 'custom', message: 'must be a positive decimal with at most two places' });
      return z.NEVER;
    }
    return toMoneyString(s);
  });

/** Normalises a decimal string with at most two places to exactly two places. */
export function toMoneyString(s: string): MoneyString {
  const [int, frac = ''] = s.split('.');
  return `${BigInt(int ?? '0').toString()}.${frac.padEnd(2, '0')}`;
}

/** Money in integer cents (bigint) for exact comparison in domain code. */
export function toCents(m: string): bigint {
  const [int, frac = ''] = m.split('.');
  const sign = int?.startsWith('-') ? -1n : 1n;
  const abs = BigInt((int ?? '0').replace('-', '')) * 100n + BigInt(frac.padEnd(2, '0').slice(0, 2) || '0');
  return sign * abs;
}

export function fromCents(c: bigint): MoneyString {
  const neg = c < 0n;
  const a = neg ? -c : c;
  return `${neg ? '-' : ''}${a / 100n}.${(a % 100n).toString().padStart(2, '0')}`;
}
