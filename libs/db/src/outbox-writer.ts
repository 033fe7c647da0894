import { context, propagation } from '@opentelemetry/api';
import { sql } from 'drizzle-orm';
import { getTableConfig } from 'drizzle-orm/pg-core';
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

/** Writes the event in the caller's transaction; the NOTIFY is delivered only if it commits. */
export async function enqueueEvent<S extends SchemaRecord>(
  tx: Tx<S>,
  outbox: OutboxTable,
  e: EnqueueEventInput,
): Promise<void> {
  const { schema, name } = getTableConfig(outbox);
  // The row keeps the trace context of the request that wrote it, so the relay's publish (and the
  // consumer after it) joins that request's trace however late it runs. No-op without tracing.
  const headers = { ...e.headers };
  propagation.inject(context.active(), headers);
  // One round trip: the insert and its NOTIFY in a single statement (a hold or payment is a
  // handful of sequential statements, and each costs a trip through a busy event loop).
  const inserted = tx.$with('inserted').as(
    tx
      .insert(outbox)
      .values({
        eventId: e.envelope.eventId,
        aggregatetype: e.aggregateType,
        aggregateid: e.key,
        type: e.envelope.type,
        topic: e.topic,
        payload: e.envelope,
        headers,
      })
      .returning({ eventId: outbox.eventId }),
  );
  await tx
    .with(inserted)
    .select({ notified: sql`pg_notify(${outboxChannel(schema ?? 'public', name)}, '')` })
    .from(inserted);
}
