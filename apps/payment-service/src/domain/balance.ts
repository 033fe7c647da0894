import { z } from 'zod';
import { AmountInput, DomainError, MAX_CHARGE, fromCents, toCents, type MoneyString } from '@concert/contracts';

/** A charge: a positive amount with at most two places, no more than MAX_CHARGE at once. */
export const ChargeAmount = AmountInput.refine((a) => toCents(a) > 0n, { message: 'must be greater than 0' }).refine(
  (a) => toCents(a) <= toCents(MAX_CHARGE),
  { message: `must be at most ${MAX_CHARGE}` },
);
export const ChargeBody = z.object({ amount: ChargeAmount });

/** Normalises a Postgres numeric(…, 2) string to the wire format. */
export const money = (v: string): MoneyString => fromCents(toCents(v));

/** Opaque to clients; today the id of the last item seen (ids only grow, newest first). */
export const TransactionCursor = z
  .string()
  .regex(/^[1-9]\d{0,14}$/, 'must be a cursor returned by a previous page')
  .optional();

/** A payment of `amount` from `balance` (exact, in cents): the balances before and after, or the refusal. */
export function debit(balance: string, amount: string): { previous: MoneyString; remaining: MoneyString } {
  const left = toCents(balance) - toCents(amount);
  if (left < 0n) throw new DomainError('INSUFFICIENT_BALANCE', `The balance does not cover ${money(amount)}`);
  return { previous: money(balance), remaining: fromCents(left) };
}
