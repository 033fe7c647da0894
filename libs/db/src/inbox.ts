import { getTableConfig } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { parseOrPoison, type IncomingMessage, type MessageHandler } from '@concert/messaging';
import type { InboxTable } from './inbox-table';
import type { Db, SchemaRecord, Tx } from './pool';
import { txClientIfAny, withTransaction } from './transaction';

/** Records the event as consumed; false means it was applied before and the effect must be skipped. */
export async function markConsumed<S extends SchemaRecord>(
  tx: Tx<S>,
  inbox: InboxTable,
  consumer: string,
  eventId: string,
): Promise<boolean> {
  // A prepared statement per inbox table: every consumed event runs it, and building it per call
  // (drizzle) cost more CPU than the insert.
  const client = txClientIfAny(tx);
  if (client) {
    const { rowCount } = await client.query({ ...markConsumedStatement(inbox), values: [consumer, eventId] });
    return rowCount === 1;
  }
  const inserted = await tx.insert(inbox).values({ consumer, eventId }).onConflictDoNothing().returning({ eventId: inbox.eventId });
  return inserted.length > 0;
}

const statements = new WeakMap<InboxTable, { name: string; text: string }>();
function markConsumedStatement(inbox: InboxTable): { name: string; text: string } {
  let statement = statements.get(inbox);
  if (!statement) {
    const { schema, name } = getTableConfig(inbox);
    const table = `${pg.escapeIdentifier(schema ?? 'public')}.${pg.escapeIdentifier(name)}`;
    statement = {
      name: `inbox.mark-consumed.${schema ?? 'public'}.${name}`,
      text: `INSERT INTO ${table} (consumer, event_id) VALUES ($1::text, $2::uuid) ON CONFLICT DO NOTHING`,
    };
    statements.set(inbox, statement);
  }
  return statement;
}

export interface InboxEnvelope {
  eventId: string;
  type: string;
  [field: string]: unknown;
}

export interface ConsumeWithInboxOptions<S extends SchemaRecord, E extends InboxEnvelope> {
  db: Db<S>;
  inbox: InboxTable;
  consumer: string;
  /** Validates the parsed JSON (e.g. a contracts zod schema's `parse`); what it refuses is a PoisonMessage. */
  parse?: (raw: unknown) => E;
  handler: (tx: Tx<S>, envelope: E, msg: IncomingMessage) => Promise<void>;
}

/** An EventSubscriber handler: inbox insert and effect commit together, or not at all. */
export function consumeWithInbox<S extends SchemaRecord, E extends InboxEnvelope = InboxEnvelope>(
  o: ConsumeWithInboxOptions<S, E>,
): MessageHandler {
  const parse = o.parse ?? (requireEnvelope as (raw: unknown) => E);
  return async (msg) => {
    const envelope = parseOrPoison(parse, msg.value);
    await withTransaction(o.db, async (tx) => {
      if (!(await markConsumed(tx, o.inbox, o.consumer, envelope.eventId))) return;
      await o.handler(tx, envelope, msg);
    });
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function requireEnvelope(raw: unknown): InboxEnvelope {
  const e = raw as Partial<InboxEnvelope> | null;
  if (!e || typeof e !== 'object' || typeof e.eventId !== 'string' || !UUID.test(e.eventId) || typeof e.type !== 'string') {
    throw new Error('message is not an event envelope (eventId uuid and type required)');
  }
  return e as InboxEnvelope;
}
