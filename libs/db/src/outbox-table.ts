import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, text, timestamp, uuid, type PgSchema } from 'drizzle-orm/pg-core';

export const OUTBOX_STATUSES = ['PENDING', 'SENT', 'DEAD'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** Debezium outbox layout (id, aggregatetype, aggregateid, type, payload) plus relay bookkeeping,
 *  so a later move to log-based capture needs no migration. */
export function outboxTable(schema: PgSchema, name = 'outbox') {
  return schema.table(
    name,
    {
      id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
      eventId: uuid('event_id').notNull().unique(),
      aggregatetype: text('aggregatetype').notNull(),
      aggregateid: text('aggregateid').notNull(),
      type: text('type').notNull(),
      topic: text('topic').notNull(),
      payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
      headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
      status: text('status', { enum: OUTBOX_STATUSES }).notNull().default('PENDING'),
      attempts: integer('attempts').notNull().default(0),
      nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
      lastError: text('last_error'),
      createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
      sentAt: timestamp('sent_at', { withTimezone: true }),
    },
    (t) => [
      check(`${name}_status_check`, sql`status in ('PENDING', 'SENT', 'DEAD')`),
      // Relay scan: oldest pending first.
      index(`${name}_pending_idx`).on(t.id).where(sql`status = 'PENDING'`),
      // "Is an earlier row of this aggregate blocked?" check that keeps per-aggregate order.
      index(`${name}_unsent_aggregate_idx`)
        .on(t.aggregatetype, t.aggregateid, t.id)
        .where(sql`status <> 'SENT'`),
      // Retention cleanup.
      index(`${name}_sent_at_idx`).on(t.sentAt).where(sql`status = 'SENT'`),
    ],
  );
}

export type OutboxTable = ReturnType<typeof outboxTable>;
