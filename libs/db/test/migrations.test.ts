import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMigrations } from '../src';
import { testDatabaseUrl, uniqueName } from '@concert/testing';
import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { serviceTables } from './support/test-schema';

/** A drizzle-kit style migrations folder (journal + one SQL file) for a fresh schema. */
async function writeMigrations(schemaName: string): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), 'migrations-'));
  mkdirSync(join(folder, 'meta'));
  const statements = await generateMigration(generateDrizzleJson({}), generateDrizzleJson({ ...serviceTables(schemaName) }));
  writeFileSync(join(folder, '0000_init.sql'), statements.join('\n--> statement-breakpoint\n'));
  const journal = {
    version: '7',
    dialect: 'postgresql',
    entries: [{ idx: 0, version: '7', when: Date.now(), tag: '0000_init', breakpoints: true }],
  };
  writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify(journal));
  return folder;
}

describe('runMigrations', () => {
  const schemaName = uniqueName('migrate_test');
  const migrationsSchema = `${schemaName}_migrations`;
  let folder: string | undefined;
  let url: string;

  afterAll(async () => {
    if (folder) rmSync(folder, { recursive: true, force: true });
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schemaName)} CASCADE`);
    await c.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(migrationsSchema)} CASCADE`);
    await c.end();
  });

  it('applies each migration once when several replicas start together', async () => {
    url = await testDatabaseUrl();
    folder = await writeMigrations(schemaName);
    // Without the lock, concurrent replicas would both run CREATE SCHEMA/TABLE and all but one fail.
    await Promise.all(Array.from({ length: 4 }, () => runMigrations({ url, migrationsFolder: folder!, migrationsSchema })));

    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const applied = await c.query(`SELECT count(*)::int AS n FROM ${pg.escapeIdentifier(migrationsSchema)}.__drizzle_migrations`);
      expect(applied.rows[0].n).toBe(1);
      const tables = await c.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [schemaName]);
      expect(tables.rows.map((r) => r.table_name)).toEqual(['counters', 'inbox', 'items', 'outbox']);
    } finally {
      await c.end();
    }
  });
});
