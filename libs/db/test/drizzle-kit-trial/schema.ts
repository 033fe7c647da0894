// eslint-disable-next-line @nx/enforce-module-boundaries -- stands in for a service schema file: drizzle-kit must resolve the alias
import { inboxTable, outboxTable } from '@concert/db';
import { pgSchema, text, uuid } from 'drizzle-orm/pg-core';

// A service-shaped schema file: drizzle-kit must resolve the @concert/db alias to load it.
export const trial = pgSchema('drizzle_kit_trial');
export const things = trial.table('things', { id: uuid('id').primaryKey(), name: text('name').notNull() });
export const outbox = outboxTable(trial);
export const inbox = inboxTable(trial);
