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

/**
 * Server-side limits every session gets (0 = off). Why: a request path holds a pooled connection;
 * a runaway query, a lock queue behind a stuck transaction or a client that died mid-transaction
 * (holding row locks) must end on the server, not wait for a human. Override per pool, or for all
 * pools of a process with PG_STATEMENT_TIMEOUT_MS, PG_LOCK_TIMEOUT_MS, PG_IDLE_IN_TX_TIMEOUT_MS.
 */
export const SESSION_TIMEOUT_DEFAULTS = { statementTimeoutMs: 30_000, lockTimeoutMs: 10_000, idleInTransactionTimeoutMs: 60_000 };

export interface PoolOptions {
  max?: number;
  applicationName?: string;
  /** statement_timeout: longest any one statement may run. */
  statementTimeoutMs?: number;
  /** lock_timeout: longest a statement waits for a lock (a row held by a stuck transaction). */
  lockTimeoutMs?: number;
  /** idle_in_transaction_session_timeout: a session idle inside a transaction this long is ended
   *  by the server, releasing its locks. */
  idleInTransactionTimeoutMs?: number;
}

function fromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}

/** The session settings a pool of these options sends at connect (startup parameters, no round trip). */
export function sessionTimeouts(opts: PoolOptions = {}) {
  const d = SESSION_TIMEOUT_DEFAULTS;
  return {
    statement_timeout: opts.statementTimeoutMs ?? fromEnv('PG_STATEMENT_TIMEOUT_MS', d.statementTimeoutMs),
    lock_timeout: opts.lockTimeoutMs ?? fromEnv('PG_LOCK_TIMEOUT_MS', d.lockTimeoutMs),
    idle_in_transaction_session_timeout: opts.idleInTransactionTimeoutMs ?? fromEnv('PG_IDLE_IN_TX_TIMEOUT_MS', d.idleInTransactionTimeoutMs),
  };
}

export function createPool(url: string, opts: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    ...(opts.applicationName ? { application_name: opts.applicationName } : {}),
    ...sessionTimeouts(opts),
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // Why: an idle client losing its connection emits 'error' on the pool; unhandled it kills the process.
  pool.on('error', () => undefined);
  // Why: pg-pool listens for a client's 'error' only while the client is idle. One whose server
  // goes away while it is checked out (a transaction in flight when Postgres stops) emits its
  // 'error' to nobody, and an unhandled 'error' event kills the process: a database outage must
  // only fail the work in hand (its query rejects; withTransaction discards the connection).
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return pool;
}

export function createDb<S extends SchemaRecord>(pool: pg.Pool, schema: S): Db<S> {
  return drizzle(pool, { schema });
}
