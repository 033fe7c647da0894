import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import pg from 'pg';
import { advisoryLockKey, LOCK_NAMESPACE } from './advisory-lock';

export interface MigrationOptions {
  url: string;
  migrationsFolder: string;
  migrationsSchema: string;
  migrationsTable?: string;
}

/**
 * Applies drizzle-kit's generated migrations with drizzle's bookkeeping table layout. Replicas
 * starting together queue on one advisory lock, so each migration is applied once.
 *
 * Why not drizzle's own migrate(): it always begins with CREATE SCHEMA IF NOT EXISTS, which
 * Postgres refuses to a service role without CREATE on the database even when the schema exists
 * and is its own. Service roles own their schema (infra/postgres/bootstrap.sql) and nothing more.
 */
export async function runMigrations(opts: MigrationOptions): Promise<void> {
  const migrations = readMigrationFiles({ migrationsFolder: opts.migrationsFolder });
  const schema = quoteIdent(opts.migrationsSchema);
  const table = `${schema}.${quoteIdent(opts.migrationsTable ?? '__drizzle_migrations')}`;
  const client = new pg.Client({ connectionString: opts.url, application_name: 'migrations' });
  await client.connect();
  const key = advisoryLockKey(LOCK_NAMESPACE.migrations, opts.migrationsSchema);
  try {
    await client.query('SELECT pg_advisory_lock($1, $2)', key);
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [opts.migrationsSchema]);
    if (!exists.rowCount) await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (id serial PRIMARY KEY, hash text NOT NULL, created_at bigint)`);
    const { rows } = await client.query<{ created_at: string }>(`SELECT created_at FROM ${table} ORDER BY created_at DESC LIMIT 1`);
    const last = rows[0] ? Number(rows[0].created_at) : -1;
    const pending = migrations.filter((m) => m.folderMillis > last);
    if (pending.length === 0) return;
    await client.query('BEGIN');
    try {
      for (const m of pending) {
        for (const stmt of m.sql) if (stmt.trim()) await client.query(stmt);
        await client.query(`INSERT INTO ${table} (hash, created_at) VALUES ($1, $2)`, [m.hash, m.folderMillis]);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  } finally {
    // Ending the session releases the lock even if the unlock is never reached.
    await client.query('SELECT pg_advisory_unlock($1, $2)', key).catch(() => undefined);
    await client.end();
  }
}

/**
 * The drizzle folder of an app: configured, next to the sources (tsx, vitest), next to the
 * bundle in dist/apps/<app>, or from the repo root.
 */
export function findMigrationsFolder(app: string, fromDir: string, configured?: string): string {
  const candidates = [
    configured,
    resolve(fromDir, '../../drizzle'),
    resolve(fromDir, `../../../apps/${app}/drizzle`),
    resolve(process.cwd(), `apps/${app}/drizzle`),
  ].filter((c): c is string => !!c);
  const found = candidates.find((c) => existsSync(resolve(c, 'meta/_journal.json')));
  if (!found) throw new Error(`${app} migrations not found (looked in ${candidates.join(', ')})`);
  return found;
}

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;
