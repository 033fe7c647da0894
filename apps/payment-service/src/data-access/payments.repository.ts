import { and, eq, inArray, sql } from 'drizzle-orm';
import { pgErrorCode, PG_UNIQUE_VIOLATION } from '@concert/db';
import { AppError } from '@concert/service-kit';
import type { PriorPayment } from '../domain/payment';
import type { Executor, PaymentTx } from './db';
import { payments } from './schema';

export interface PaymentRow {
  id: string;
  userId: string;
  reservationId: string;
  amount: string;
  status: 'PENDING' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'REFUNDED';
  previousBalance: string;
  remainingBalance: string;
  paidAt: Date | null;
  refundedAt: Date | null;
}
const columns = {
  id: payments.id,
  userId: payments.userId,
  reservationId: payments.reservationId,
  amount: payments.amount,
  status: payments.status,
  previousBalance: payments.previousBalance,
  remainingBalance: payments.remainingBalance,
  paidAt: payments.paidAt,
  refundedAt: payments.refundedAt,
};

export async function findPriorPayment(tx: PaymentTx, reservationId: string): Promise<PriorPayment | undefined> {
  const [row] = await tx
    .select({ status: payments.status })
    .from(payments)
    .where(and(eq(payments.reservationId, reservationId), inArray(payments.status, ['COMPLETED', 'REFUNDED'])))
    .limit(1);
  return row ? { status: row.status as PriorPayment['status'] } : undefined;
}

export async function insertCompletedPayment(
  tx: PaymentTx,
  p: { id: string; userId: string; reservationId: string; amount: string; previousBalance: string; remainingBalance: string },
): Promise<PaymentRow> {
  try {
    const [row] = await tx
      .insert(payments)
      .values({ ...p, status: 'COMPLETED', paidAt: sql`now()` })
      .returning(columns);
    return row!;
  } catch (err) {
    // The partial unique index: reachable only if the projection lock were bypassed.
    if (pgErrorCode(err) === PG_UNIQUE_VIOLATION) throw new AppError('ALREADY_PAID', 'This reservation is already paid');
    throw err;
  }
}

export async function findPayment(db: Executor, id: string): Promise<PaymentRow | undefined> {
  const [row] = await db.select(columns).from(payments).where(eq(payments.id, id));
  return row;
}

/** COMPLETED → REFUNDED as one conditional update: a second refund request finds nothing to do. */
export async function markRefunded(tx: PaymentTx, paymentId: string, reservationId: string): Promise<PaymentRow | undefined> {
  const [row] = await tx
    .update(payments)
    .set({ status: 'REFUNDED', refundedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(payments.id, paymentId), eq(payments.reservationId, reservationId), eq(payments.status, 'COMPLETED')))
    .returning(columns);
  return row;
}
