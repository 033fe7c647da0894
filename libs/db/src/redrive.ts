import type pg from 'pg';
import { OutboxStore } from './outbox-store';
import { outboxChannel } from './outbox-writer';

/** Puts DEAD rows (all, or the given ids) back to PENDING with a fresh attempt budget. */
export async function redriveDead(
  pool: pg.Pool,
  schemaName: string,
  ids?: Array<string | number>,
  tableName = 'outbox',
): Promise<number> {
  const count = await new OutboxStore(schemaName, tableName).redriveDead(pool, ids);
  if (count > 0) await pool.query('SELECT pg_notify($1, $2)', [outboxChannel(schemaName, tableName), '']);
  return count;
}
