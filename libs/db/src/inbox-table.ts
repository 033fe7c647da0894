import { index, primaryKey, text, timestamp, uuid, type PgSchema } from 'drizzle-orm/pg-core';

export function inboxTable(schema: PgSchema, name = 'inbox') {
  return schema.table(
    name,
    {
      consumer: text('consumer').notNull(),
      eventId: uuid('event_id').notNull(),
      receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    },
    (t) => [
      primaryKey({ name: `${name}_pkey`, columns: [t.consumer, t.eventId] }),
      // For the retention cleanup, which deletes by age.
      index(`${name}_received_at_idx`).on(t.receivedAt),
    ],
  );
}

export type InboxTable = ReturnType<typeof inboxTable>;
