import { context, propagation } from '@opentelemetry/api';
import { sql } from 'drizzle-orm';
import { getTableConfig } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { OutboxTable } from './outbox-table';
import type { SchemaRecord, Tx } from './pool';

export interface OutboxEnvelope {
  eventId: string;
  type: string;
  [field: string]: unknown;
}

export interface EnqueueEventInput {
  topic: string;
  /** Aggregate id: the Kafka key, so all events of one aggregate stay in order. */
  key: string;
  aggregateType: string;
  envelope: OutboxEnvelope;
  headers?: Record<string, string>;
}

export function outboxChannel(schemaName: string, tableName = 'outbox'): string {
  return `${schemaName}_${tableName}`;
}

/** An outbox row's values as a statement of one's own sends them (JSON as text). */
export interface OutboxRow {
  eventId: string;
  aggregateType: string;
  aggregateId: string;
  type: string;
  topic: string;
  payload: string;
  headers: string;
}

/**
 * The row for an event, with the trace context of the request that wrote it: the relay's publish
 * (and the consumer after it) joins that request's trace however late it runs. No-op without tracing.
 */
export function outboxRow(e: EnqueueEventInput): OutboxRow {
  const headers = { ...e.headers };
  propagation.inject(context.active(), headers);
  return {
    eventId: e.envelope.eventId,
    aggregateType: e.aggregateType,
    aggregateId: e.key,
    type: e.envelope.type,
    topic: e.topic,
    payload: JSON.stringify(e.envelope),
    headers: JSON.stringify(headers),
  };
}

/** Writes the event in the caller's transaction; the NOTIFY is delivered only if it commits. */
export async function enqueueEvent<S extends SchemaRecord>(
  tx: Tx<S>,
  outbox: OutboxTable,
  e: EnqueueEventInput,
): Promise<void> {
  const { schema, name } = getTableConfig(outbox);
  const row = outboxRow(e);
  // One round trip: the insert and its NOTIFY in a single statement (a hold or payment is a
  // handful of sequential statements, and each costs a trip through a busy event loop).
  const inserted = tx.$with('inserted').as(
    tx
      .insert(outbox)
      .values({
        eventId: row.eventId,
        aggregatetype: row.aggregateType,
        aggregateid: row.aggregateId,
        type: row.type,
        topic: row.topic,
        payload: sql`${row.payload}::jsonb`,
        headers: sql`${row.headers}::jsonb`,
      })
      .returning({ eventId: outbox.eventId }),
  );
  await tx
    .with(inserted)
    .select({ notified: sql`pg_notify(${outboxChannel(schema ?? 'public', name)}, '')` })
    .from(inserted);
}

/**
 * For a statement that writes its change and its event at once (data-modifying CTEs): the
 * outbox insert of one row per row of `source` (none: no event), its values as parameters
 * `$first`…`$first+6` (outboxParams), and the NOTIFY to select once it is written.
 */
export function outboxInsertSql(schemaName: string, source: string, first: number, tableName = 'outbox'): string {
  const p = (i: number) => `$${first + i}`;
  return `INSERT INTO ${pg.escapeIdentifier(schemaName)}.${pg.escapeIdentifier(tableName)}
            (event_id, aggregatetype, aggregateid, type, topic, payload, headers)
          SELECT ${p(0)}::uuid, ${p(1)}::text, ${p(2)}::text, ${p(3)}::text, ${p(4)}::text, ${p(5)}::jsonb, ${p(6)}::jsonb FROM ${source}
          RETURNING 1`;
}
export const outboxParams = (e: OutboxRow): string[] => [e.eventId, e.aggregateType, e.aggregateId, e.type, e.topic, e.payload, e.headers];

/**
 * outboxInsertSql for many events in one statement: the rows of `source` that have a column
 * `key` equal to an event's aggregate id get that event. The events' values are seven array
 * parameters `$first`…`$first+6` (outboxManyParams), one element per event.
 */
export function outboxInsertManySql(schemaName: string, source: string, key: string, first: number, tableName = 'outbox'): string {
  const p = (i: number) => `$${first + i}`;
  return `INSERT INTO ${pg.escapeIdentifier(schemaName)}.${pg.escapeIdentifier(tableName)}
            (event_id, aggregatetype, aggregateid, type, topic, payload, headers)
          SELECT e.event_id, e.aggregatetype, e.aggregateid, e.type, e.topic, e.payload::jsonb, e.headers::jsonb
            FROM unnest(${p(0)}::uuid[], ${p(1)}::text[], ${p(2)}::text[], ${p(3)}::text[], ${p(4)}::text[], ${p(5)}::text[], ${p(6)}::text[])
                   AS e(event_id, aggregatetype, aggregateid, type, topic, payload, headers)
            JOIN ${source} ON ${source}.${key}::text = e.aggregateid
          RETURNING 1`;
}
export const outboxManyParams = (events: OutboxRow[]): string[][] => {
  const columns: string[][] = [[], [], [], [], [], [], []];
  for (const e of events) outboxParams(e).forEach((v, i) => columns[i]!.push(v));
  return columns;
};
export const outboxNotifySql = (schemaName: string, tableName = 'outbox'): string =>
  `pg_notify(${pg.escapeLiteral(outboxChannel(schemaName, tableName))}, '')`;
