import { timestamp } from 'drizzle-orm/pg-core';

/** `created_at timestamptz not null default now()`, shared by every service's tables. */
export const createdAtColumn = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** `updated_at` kept current by the ORM on every update (the seed's ON UPDATE CURRENT_TIMESTAMP). */
export const updatedAtColumn = () =>
  timestamp('updated_at', { withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());
