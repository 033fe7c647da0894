import { and, eq, lt, sql } from 'drizzle-orm';
import { deleteInChunks, pgErrorCode, txClient } from '@concert/db';
import { AppError } from '@concert/service-kit';
import type { IdempotencyScope, StoredResponse } from '../domain/idempotency';
import type { Executor, PaymentTx } from './db';
import { DB_SCHEMA, idempotencyKeys } from './schema';

const PG_LOCK_NOT_AVAILABLE = '55P03';

export interface KeyRef {
  userId: string;
  scope: IdempotencyScope;
  key: string;
}

const CLAIM_KEY = {
  name: 'payment.claim-key',
  // The wait bound is set by the row source, so before the insert can wait on a duplicate's
  // uncommitted key; RETURNING (a claimed key) lifts it again, so only the claim gives up on a lock.
  text: `INSERT INTO ${DB_SCHEMA}.idempotency_keys (user_id, scope, key, request_hash)
         SELECT $1::uuid, $2::text, $3::text, $4::text FROM (SELECT set_config('lock_timeout', $5::text, true)) AS bounded_wait
         ON CONFLICT DO NOTHING
         RETURNING set_config('lock_timeout', '0', true) AS lifted`,
};

/**
 * Claims the key inside the caller's transaction. A duplicate arriving while the first request
 * is still in flight blocks on the uncommitted row (primary key) until that transaction ends:
 * then it sees the stored response, or — if the first one failed and rolled back — claims the
 * key itself. `waitMs` bounds that wait (409 IDEMPOTENCY_REQUEST_IN_PROGRESS after it).
 * Returns true if claimed, false if the key was already used.
 */
export async function claimKey(tx: PaymentTx, ref: KeyRef, requestHash: string, waitMs: number): Promise<boolean> {
  try {
    const { rowCount } = await txClient(tx).query({
      ...CLAIM_KEY,
      values: [ref.userId, ref.scope, ref.key, requestHash, `${Math.ceil(waitMs)}ms`],
    });
    return rowCount === 1;
  } catch (err) {
    if (pgErrorCode(err) === PG_LOCK_NOT_AVAILABLE) {
      throw new AppError('IDEMPOTENCY_REQUEST_IN_PROGRESS', 'A request with this Idempotency-Key is still being processed');
    }
    throw err;
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
