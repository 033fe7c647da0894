import pg from 'pg';
import { deleteInChunks } from './delete-in-chunks';
import type { OutboxStatus } from './outbox-table';

export type Queryable = Pick<pg.ClientBase, 'query'>;

export interface PendingRow {
  id: string;
  event_id: string;
  aggregatetype: string;
  aggregateid: string;
  type: string;
  topic: string;
  /** The envelope as JSON text: published as-is, never re-serialized. */
  payload: string;
  headers: Record<string, string>;
  attempts: number;
}

export interface OutboxLag {
  pending: number;
  oldestAgeMs: number;
}

/** Raw SQL for the relay: it runs on its own lease connection, outside any drizzle schema. */
export class OutboxStore {
  readonly table: string;

  constructor(schemaName: string, tableName = 'outbox') {
    this.table = `${pg.escapeIdentifier(schemaName)}.${pg.escapeIdentifier(tableName)}`;
  }

  /**
   * Oldest due rows, skipping any row whose aggregate has an earlier row that is DEAD or waiting
   * out a backoff (publishing it would overtake that earlier event). `markSentFirst`: rows of the previous round, already acknowledged by Kafka, marked SENT
   * in the same statement (one round trip less per round while events keep coming).
   */
  async fetchDue(q: Queryable, limit: number, markSentFirst: string[] = []): Promise<PendingRow[]> {
    const { rows } = await q.query<PendingRow>(
      `WITH marked AS (
         UPDATE ${this.table} SET status = 'SENT', sent_at = now()
          WHERE id = ANY($2::bigint[]) AND status = 'PENDING')
       SELECT o.id::text AS id, o.event_id, o.aggregatetype, o.aggregateid, o.type, o.topic,
              o.payload::text AS payload, o.headers, o.attempts
         FROM ${this.table} o
        WHERE o.status = 'PENDING' AND o.next_attempt_at <= now() AND o.id <> ALL($2::bigint[])
          AND NOT EXISTS (
                SELECT 1 FROM ${this.table} b
                 WHERE b.aggregatetype = o.aggregatetype AND b.aggregateid = o.aggregateid
                   AND b.id < o.id AND b.status <> 'SENT'
                   AND (b.status = 'DEAD' OR b.next_attempt_at > now()))
        ORDER BY o.id
        LIMIT $1`,
      [limit, markSentFirst],
    );
    return rows;
  }

  async markSent(q: Queryable, ids: string[]): Promise<void> {
    await q.query(`UPDATE ${this.table} SET status = 'SENT', sent_at = now() WHERE id = ANY($1::bigint[])`, [ids]);
  }

  async markFailed(q: Queryable, id: string, error: string, maxAttempts: number, retryInMs: number): Promise<OutboxStatus> {
    const { rows } = await q.query<{ status: OutboxStatus }>(
      `UPDATE ${this.table}
          SET attempts = attempts + 1,
              last_error = left($2, 2000),
              status = CASE WHEN attempts + 1 >= $3 THEN 'DEAD' ELSE 'PENDING' END,
              next_attempt_at = now() + $4::int * interval '1 millisecond'
        WHERE id = $1 AND status = 'PENDING'
        RETURNING status`,
      [id, error, maxAttempts, Math.round(retryInMs)],
    );
    return rows[0]?.status ?? 'PENDING';
  }

  async lag(q: Queryable): Promise<OutboxLag> {
    const { rows } = await q.query<{ pending: number; oldest_age_ms: number }>(
      `SELECT count(*)::int AS pending,
              coalesce(extract(epoch FROM now() - min(created_at)) * 1000, 0)::float8 AS oldest_age_ms
         FROM ${this.table} WHERE status = 'PENDING'`,
    );
    return { pending: rows[0]?.pending ?? 0, oldestAgeMs: Math.max(0, rows[0]?.oldest_age_ms ?? 0) };
  }

  /** Deletes SENT rows past retention in chunks, so no single statement holds locks for long. */
  async deleteSent(q: Queryable, retentionHours: number, chunk = 5000): Promise<number> {
    return deleteInChunks(async (limit) => {
      const { rowCount } = await q.query(
        `DELETE FROM ${this.table} WHERE id IN (
           SELECT id FROM ${this.table}
            WHERE status = 'SENT' AND sent_at < now() - $1::float8 * interval '1 hour'
            LIMIT $2)`,
        [retentionHours, limit],
      );
      return rowCount ?? 0;
    }, chunk);
  }

  async redriveDead(q: Queryable, ids?: Array<string | number>): Promise<number> {
    const { rowCount } = await q.query(
      `UPDATE ${this.table}
          SET status = 'PENDING', attempts = 0, next_attempt_at = now(), last_error = NULL
        WHERE status = 'DEAD' AND ($1::bigint[] IS NULL OR id = ANY($1::bigint[]))`,
      [ids ? ids.map(String) : null],
    );
    return rowCount ?? 0;
  }
}
