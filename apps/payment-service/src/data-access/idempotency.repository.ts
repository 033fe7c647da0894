import { and, eq, lt, sql } from 'drizzle-orm';
import { deleteInChunks, pgErrorCode } from '@concert/db';
import { AppError } from '@concert/service-kit';
import type { IdempotencyScope, StoredResponse } from '../domain/idempotency';
import type { Executor, PaymentTx } from './db';
import { idempotencyKeys } from './schema';

const PG_LOCK_NOT_AVAILABLE = '55P03';

export interface KeyRef {
  userId: string;
  scope: IdempotencyScope;
  key: string;
}

/**
 * Claims the key inside the caller's transaction. A duplicate arriving while the first request
 * is still in flight blocks on the uncommitted row (unique index) until that transaction ends:
 * then it sees the stored response, or — if the first one failed and rolled back — claims the
 * key itself. `waitMs` bounds that wait (409 IDEMPOTENCY_REQUEST_IN_PROGRESS after it).
 * Returns true if claimed, false if the key was already used.
 */
export async function claimKey(tx: PaymentTx, ref: KeyRef, requestHash: string, waitMs: number): Promise<boolean> {
  await tx.execute(sql`select set_config('lock_timeout', ${`${waitMs}ms`}, true)`);
  try {
    const rows = await tx
      .insert(idempotencyKeys)
      .values({ ...ref, requestHash })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    return rows.length === 1;
  } catch (err) {
    if (pgErrorCode(err) === PG_LOCK_NOT_AVAILABLE) {
      throw new AppError('IDEMPOTENCY_REQUEST_IN_PROGRESS', 'A request with this Idempotency-Key is still being processed');
    }
    throw err;
  } finally {
    // Only the claim may give up on a lock; the effect's own row locks wait as usual.
    await tx.execute(sql`select set_config('lock_timeout', '0', true)`).catch(() => undefined);
  }
}

export async function readKey(tx: PaymentTx, ref: KeyRef): Promise<StoredResponse | undefined> {
  const [row] = await tx
    .select({
      requestHash: idempotencyKeys.requestHash,
      status: idempotencyKeys.responseStatus,
      body: idempotencyKeys.responseBody,
    })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, ref.userId), eq(idempotencyKeys.scope, ref.scope), eq(idempotencyKeys.key, ref.key)));
  if (!row || row.status === null) return undefined;
  return { requestHash: row.requestHash, status: row.status, body: row.body };
}

export async function storeResponse(tx: PaymentTx, ref: KeyRef, status: number, body: unknown): Promise<void> {
  await tx
    .update(idempotencyKeys)
    .set({ responseStatus: status, responseBody: body })
    .where(and(eq(idempotencyKeys.userId, ref.userId), eq(idempotencyKeys.scope, ref.scope), eq(idempotencyKeys.key, ref.key)));
}

/** Retention: deletes keys past their useful life, in chunks so no statement holds locks long. */
export async function deleteExpiredKeys(db: Executor, olderThanHours: number, chunk = 5000): Promise<number> {
  return deleteInChunks(async (limit) => {
    const result = await db.execute(sql`
      delete from ${idempotencyKeys} where ctid in (
        select ctid from ${idempotencyKeys}
         where ${lt(idempotencyKeys.createdAt, sql`now() - ${olderThanHours}::float8 * interval '1 hour'`)}
         limit ${limit})`);
    return result.rowCount ?? 0;
  }, chunk);
}
