import { isRetryableTxError } from './pg-errors';
import type { Db, SchemaRecord, Tx } from './pool';

export interface TransactionOptions {
  isolationLevel?: 'read committed' | 'repeatable read' | 'serializable';
  /** Extra attempts after a serialization failure or deadlock. */
  retries?: number;
}

/** db.transaction, re-run from scratch when Postgres asks us to (40001, 40P01). */
export async function withTransaction<S extends SchemaRecord, T>(
  db: Db<S>,
  fn: (tx: Tx<S>) => Promise<T>,
  opts: TransactionOptions = {},
): Promise<T> {
  const retries = opts.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction(fn, opts.isolationLevel ? { isolationLevel: opts.isolationLevel } : undefined);
    } catch (err) {
      if (attempt >= retries || !isRetryableTxError(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
    }
  }
}
