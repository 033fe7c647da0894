import { and, eq, sql } from 'drizzle-orm';
import type { PaymentStatus } from '@concert/contracts';
import type { Executor, PaymentTx } from './db';
import { payments } from './schema';

export interface PaymentRow {
  id: string;
  userId: string;
  reservationId: string;
  amount: string;
  status: PaymentStatus;
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
