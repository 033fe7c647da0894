import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { AppError } from '@concert/service-kit';
import { pgErrorCode } from '@concert/db';
import type { TransactionType } from '@concert/contracts';
import type { Executor, PaymentTx } from './db';
import { balanceTransactions, users } from './schema';

export interface BalanceChange {
  previous: string;
  balance: string;
  version: number;
}

const PG_NUMERIC_OUT_OF_RANGE = '22003';
const amountParam = (amount: string) => sql`${amount}::numeric(12,2)`;

/**
 * Adds to the balance in one statement: the row lock taken by UPDATE serialises concurrent
 * changes to one user, and RETURNING gives the before/after pair the ledger row needs.
 */
export async function creditBalance(tx: PaymentTx, userId: string, amount: string): Promise<BalanceChange | undefined> {
  try {
    const [row] = await tx
      .update(users)
      .set({
        balance: sql`${users.balance} + ${amountParam(amount)}`,
        balanceVersion: sql`${users.balanceVersion} + 1`,
        updatedAt: sql`now()`,
      })
      .where(eq(users.id, userId))
      .returning({
        previous: sql<string>`${users.balance} - ${amountParam(amount)}`,
        balance: users.balance,
        version: users.balanceVersion,
      });
    return row;
  } catch (err) {
    // numeric(12,2) overflow: the balance would exceed what the column can hold.
    if (pgErrorCode(err) === PG_NUMERIC_OUT_OF_RANGE) throw new AppError('INVALID_STATE', 'The balance limit would be exceeded');
    throw err;
  }
}

export interface LedgerEntry {
  userId: string;
  type: TransactionType;
  amount: string;
  change: BalanceChange;
  relatedId?: string | null;
  description?: string | null;
}

export async function appendLedger(tx: PaymentTx, e: LedgerEntry): Promise<number> {
  const [row] = await tx
    .insert(balanceTransactions)
    .values({
      userId: e.userId,
      type: e.type,
      amount: e.amount,
      previousBalance: e.change.previous,
      newBalance: e.change.balance,
      relatedId: e.relatedId ?? null,
      description: e.description ?? null,
    })
    .returning({ id: balanceTransactions.id });
  return row!.id;
}

export async function readBalance(db: Executor, userId: string): Promise<{ balance: string; version: number } | undefined> {
  const [row] = await db
    .select({ balance: users.balance, version: users.balanceVersion })
    .from(users)
    .where(eq(users.id, userId));
  return row;
}

export interface LedgerRow {
  id: number;
  type: TransactionType;
  amount: string;
  previousBalance: string;
  newBalance: string;
  relatedId: string | null;
  description: string | null;
  createdAt: Date;
}

/** Newest first, keyset-paginated on the identity id (stable under concurrent inserts, unlike OFFSET). */
export async function listLedger(db: Executor, userId: string, limit: number, beforeId?: number): Promise<LedgerRow[]> {
  return db
    .select({
      id: balanceTransactions.id,
      type: balanceTransactions.type,
      amount: balanceTransactions.amount,
      previousBalance: balanceTransactions.previousBalance,
      newBalance: balanceTransactions.newBalance,
      relatedId: balanceTransactions.relatedId,
      description: balanceTransactions.description,
      createdAt: balanceTransactions.createdAt,
    })
    .from(balanceTransactions)
    .where(
      beforeId === undefined
        ? eq(balanceTransactions.userId, userId)
        : and(eq(balanceTransactions.userId, userId), lt(balanceTransactions.id, beforeId)),
    )
    .orderBy(desc(balanceTransactions.id))
    .limit(limit);
}
