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
  /** Rows that will never be published without an operator (see redriveDead). */
  dead: number;
}

/** Raw SQL for the relay: it runs on its own lease connection, outside any drizzle schema. */
export class OutboxStore {
  readonly table: string;

  constructor(schemaName: string, tableName = 'outbox') {
    this.table = `${pg.escapeIdentifier(schemaName)}.${pg.escapeIdentifier(tableName)}`;
  }

  /**
   * Oldest due rows, skipping any row whose aggregate has an earlier row that is DEAD or waiting
   * out a backoff (publishing it would overtake that earlier event), and the `inFlight` rows
   * (being published right now). `markSentFirst`: rows of an earlier round, already acknowledged
   * by Kafka, marked SENT in the same statement (one round trip less while events keep coming).
   */
  async fetchDue(q: Queryable, limit: number, markSentFirst: string[] = [], inFlight: string[] = []): Promise<PendingRow[]> {
    const { rows } = await q.query<PendingRow>(
      `WITH marked AS (
         UPDATE ${this.table} SET status = 'SENT', sent_at = now()
          WHERE id = ANY($2::bigint[]) AND status = 'PENDING')
       SELECT o.id::text AS id, o.event_id, o.aggregatetype, o.aggregateid, o.type, o.topic,
              o.payload::text AS payload, o.headers, o.attempts
         FROM ${this.table} o
        WHERE o.status = 'PENDING' AND o.next_attempt_at <= now()
          AND o.id <> ALL($2::bigint[]) AND o.id <> ALL($3::bigint[])
          AND NOT EXISTS (
                SELECT 1 FROM ${this.table} b
                 WHERE b.aggregatetype = o.aggregatetype AND b.aggregateid = o.aggregateid
                   AND b.id < o.id AND b.status <> 'SENT'
                   AND (b.status = 'DEAD' OR b.next_attempt_at > now()))
        ORDER BY o.id
        LIMIT $1`,
      [limit, markSentFirst, inFlight],
    );
    return rows;
  }

  async markSent(q: Queryable, ids: string[]): Promise<void> {
    await q.query(`UPDATE ${this.table} SET status = 'SENT', sent_at = now() WHERE id = ANY($1::bigint[])`, [ids]);
  }

  /**
   * Charges the rows one failed attempt and backs them off (base · 2^attempts, capped). Only
   * when `mayDie` (the broker refused the message itself, see isUnpublishable) does a row that
   * used up `maxAttempts` turn DEAD; an unreachable broker never kills a row however long it lasts.
   */
  async markFailed(
    q: Queryable,
    ids: string[],
    error: string,
    o: { mayDie: boolean; maxAttempts: number; backoffBaseMs: number; backoffMaxMs: number },
  ): Promise<Array<{ id: string; status: OutboxStatus; attempts: number }>> {
    const { rows } = await q.query<{ id: string; status: OutboxStatus; attempts: number }>(
      `UPDATE ${this.table}
          SET attempts = attempts + 1,
              last_error = left($2, 2000),
              status = CASE WHEN $3::bool AND attempts + 1 >= $4 THEN 'DEAD' ELSE 'PENDING' END,
              next_attempt_at = now() + least($6::float8, $5::float8 * power(2, least(attempts, 30))) * interval '1 millisecond'
        WHERE id = ANY($1::bigint[]) AND status = 'PENDING'
        RETURNING id::text AS id, status, attempts`,
      [ids, error, o.mayDie, o.maxAttempts, o.backoffBaseMs, o.backoffMaxMs],
    );
    return rows;
  }

  async lag(q: Queryable): Promise<OutboxLag> {
    const { rows } = await q.query<{ pending: number; dead: number; oldest_age_ms: number }>(
      `SELECT count(*) FILTER (WHERE status = 'PENDING')::int AS pending,
              count(*) FILTER (WHERE status = 'DEAD')::int AS dead,
              coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'PENDING')) * 1000, 0)::float8 AS oldest_age_ms
         FROM ${this.table} WHERE status <> 'SENT'`,
    );
    const r = rows[0];
    return { pending: r?.pending ?? 0, dead: r?.dead ?? 0, oldestAgeMs: Math.max(0, r?.oldest_age_ms ?? 0) };
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
