import { getTableConfig } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import { deleteInChunks } from './delete-in-chunks';
import type { InboxTable } from './inbox-table';

/**
 * Deletes inbox rows older than the retention. Safe once the retention exceeds how far back a
 * consumer can be redelivered (the topics' log retention, 7 days by Kafka's default): an event
 * older than that cannot arrive again, so its inbox row guards nothing.
 */
export async function deleteOldInboxRows(pool: pg.Pool, inbox: InboxTable, retentionHours: number, chunk = 5000): Promise<number> {
  const { schema, name } = getTableConfig(inbox);
  const table = `"${schema ?? 'public'}"."${name}"`;
  return deleteInChunks(async (limit) => {
    const { rowCount } = await pool.query(
      `DELETE FROM ${table} WHERE ctid IN (
         SELECT ctid FROM ${table} WHERE received_at < now() - $1::float8 * interval '1 hour' LIMIT $2)`,
      [retentionHours, limit],
    );
    return rowCount ?? 0;
  }, chunk);
}
