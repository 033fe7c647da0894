import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle, type NodePgDatabase, type NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgTransaction } from 'drizzle-orm/pg-core';
import pg from 'pg';

export type SchemaRecord = Record<string, unknown>;
export type Db<S extends SchemaRecord = SchemaRecord> = NodePgDatabase<S> & { $client: pg.Pool };
export type Tx<S extends SchemaRecord = SchemaRecord> = PgTransaction<
  NodePgQueryResultHKT,
  S,
  ExtractTablesWithRelations<S>
>;

export interface PoolOptions {
  max?: number;
  applicationName?: string;
  /** Server-side cap per statement; protects the pool from a runaway query. */
  statementTimeoutMs?: number;
}

export function createPool(url: string, opts: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    ...(opts.applicationName ? { application_name: opts.applicationName } : {}),
    ...(opts.statementTimeoutMs ? { statement_timeout: opts.statementTimeoutMs } : {}),
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // Why: an idle client losing its connection emits 'error' on the pool; unhandled it kills the process.
  pool.on('error', () => undefined);
  return pool;
}

export function createDb<S extends SchemaRecord>(pool: pg.Pool, schema: S): Db<S> {
  return drizzle(pool, { schema });
}
