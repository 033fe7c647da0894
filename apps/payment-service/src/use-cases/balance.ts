import { AppError } from '@concert/service-kit';
import { money } from '../domain/balance';
import { requestHash } from '../domain/idempotency';
import { listLedger, readBalance } from '../data-access/balance.repository';
import { recordCharge } from '../data-access/money-movement.repository';
import type { PaymentDeps } from './deps';
import { idempotently, refreshBalanceCache, withBalanceLock } from './idempotency';

export async function charge(deps: PaymentDeps, i: { userId: string; amount: string; idempotencyKey: string }) {
  const ref = { userId: i.userId, scope: 'charge' as const, key: i.idempotencyKey };
  const result = await withBalanceLock(deps, i.userId, () =>
    idempotently(deps, ref, requestHash('charge', { amount: i.amount }), async (tx) => {
      // Credit, CHARGE ledger row and the stored response ({ balance, transactionId }) at once.
      const done = await recordCharge(tx, { userId: i.userId, amount: i.amount, key: i.idempotencyKey });
      if (!done) throw new AppError('USER_NOT_FOUND', 'User not found');
      return {
        status: 200,
        body: done.body,
        balance: { userId: i.userId, balance: money(done.balance), version: done.version },
      };
    }),
  );
  if (!result.replayed) deps.metrics.charges.inc();
  return result;
}

/** Cache-aside: Redis first, the database on a miss (then cached unless a newer balance got there first). */
export async function getBalance(deps: PaymentDeps, userId: string): Promise<{ balance: string }> {
  const cached = await deps.cache.get(userId).catch(() => undefined);
  if (cached) return { balance: cached };
  const row = await readBalance(deps.db, userId);
  if (!row) throw new AppError('USER_NOT_FOUND', 'User not found');
  const balance = money(row.balance);
  await refreshBalanceCache(deps, { userId, balance, version: row.version });
  return { balance };
}

export async function listTransactions(deps: PaymentDeps, userId: string, limit: number, cursor?: string) {
  // One extra row tells whether another page exists without a COUNT.
  const rows = await listLedger(deps.db, userId, limit + 1, cursor === undefined ? undefined : Number(cursor));
  const page = rows.slice(0, limit);
  if (page.length === 0 && cursor === undefined && !(await readBalance(deps.db, userId))) {
    throw new AppError('USER_NOT_FOUND', 'User not found');
  }
  return {
    items: page.map((r) => ({
      id: String(r.id),
      type: r.type,
      amount: money(r.amount),
      previousBalance: money(r.previousBalance),
      newBalance: money(r.newBalance),
      relatedId: r.relatedId,
      description: r.description,
      createdAt: r.createdAt.toISOString(),
    })),
    nextCursor: rows.length > limit ? String(page[page.length - 1]!.id) : null,
  };
}
