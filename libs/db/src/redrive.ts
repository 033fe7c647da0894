import type pg from 'pg';
import { OutboxStore } from './outbox-store';
import { outboxChannel } from './outbox-writer';

/**
 * The operator's re-drive of DEAD outbox rows (the ops CLI calls it): puts DEAD rows (all of the
 * schema's, or only the given ids) back to PENDING with a fresh attempt budget and wakes the
 * relay. A row is DEAD only when the broker refused the message itself (too large, invalid topic;
 * see isUnpublishable), so fix that cause first or it dies again after `maxAttempts`. Order holds:
 * the later rows of its aggregate waited behind it and are published after it. Returns how many
 * rows were re-driven. `outbox_dead_rows{schema}` shows what is left.
 */
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
