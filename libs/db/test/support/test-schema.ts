import { inboxTable, outboxTable } from '../../src';
import { testDatabaseUrl, uniqueName } from '@concert/testing';
import { drizzle } from 'drizzle-orm/node-postgres';
import { integer, pgSchema, text, uuid } from 'drizzle-orm/pg-core';
import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api';
import pg from 'pg';

/** A throwaway pg schema holding a service-shaped set of tables, built from the same factories
 *  and the same DDL generator drizzle-kit uses, so tests exercise what services will migrate. */
export function serviceTables(schemaName: string) {
  const schema = pgSchema(schemaName);
  return {
    schema,
    items: schema.table('items', { id: uuid('id').primaryKey(), name: text('name').notNull() }),
    counters: schema.table('counters', { id: text('id').primaryKey(), n: integer('n').notNull().default(0) }),
    outbox: outboxTable(schema),
    inbox: inboxTable(schema),
  };
}

export type ServiceTables = ReturnType<typeof serviceTables>;

export interface TestSchema {
  url: string;
  schemaName: string;
  tables: ServiceTables;
  drop(): Promise<void>;
}

export async function createTestSchema(prefix = 'outbox_test'): Promise<TestSchema> {
  const url = await testDatabaseUrl();
  const schemaName = uniqueName(prefix);
  const tables = serviceTables(schemaName);
  const empty = generateDrizzleJson({});
  const statements = await generateMigration(empty, generateDrizzleJson({ ...tables }));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
  return {
    url,
    schemaName,
    tables,
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schemaName)} CASCADE`);
      await c.end();
    },
  };
}

export { drizzle };
