import { getTableConfig } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import type { InboxTable } from './inbox-table';

/**
 * Deletes inbox rows older than the retention, in chunks. Safe once the retention exceeds how far
 * back a consumer can be redelivered (the topics' log retention, 7 days by Kafka's default):
 * an event older than that cannot arrive again, so its inbox row guards nothing.
 */
export async function deleteOldInboxRows(pool: pg.Pool, inbox: InboxTable, retentionHours: number, chunk = 5000): Promise<number> {
  const { schema, name } = getTableConfig(inbox);
  const table = `"${schema ?? 'public'}"."${name}"`;
  let total = 0;
  for (;;) {
    const { rowCount } = await pool.query(
      `DELETE FROM ${table} WHERE ctid IN (
         SELECT ctid FROM ${table} WHERE received_at < now() - $1::float8 * interval '1 hour' LIMIT $2)`,
      [retentionHours, chunk],
    );
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < chunk) return total;
  }
}

/** Runs the cleanup every `intervalMs` (replicas may overlap: deleting twice is harmless). */
export function startInboxCleanup(o: {
  pool: pg.Pool;
  inbox: InboxTable;
  retentionHours: number;
  intervalMs?: number;
  onError?: (err: unknown) => void;
}): { stop(): void } {
  const timer = setInterval(() => {
    deleteOldInboxRows(o.pool, o.inbox, o.retentionHours).catch((err: unknown) => o.onError?.(err));
  }, o.intervalMs ?? 3_600_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
