import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { isConnectionLost, isRetryableTxError } from './pg-errors';
import type { Db, SchemaRecord, Tx } from './pool';

export interface TransactionOptions {
  isolationLevel?: 'read committed' | 'repeatable read' | 'serializable';
  /** Extra attempts after a serialization failure or deadlock. */
  retries?: number;
}

const clients = new WeakMap<object, pg.ClientBase>();

/**
 * The connection under a withTransaction `tx`, for hot paths that send their own prepared
 * statements (`{ name, text, values }`): parsed and planned once per connection, and no query
 * building per call. Statements sent here are part of the transaction like any of `tx`'s.
 */
export function txClient<S extends SchemaRecord>(tx: Tx<S>): Pick<pg.ClientBase, 'query'> {
  const client = clients.get(tx);
  if (!client) throw new Error('txClient: not a withTransaction transaction');
  return client;
}

/** txClient, or undefined for a transaction withTransaction did not open (drizzle's own). */
export const txClientIfAny = <S extends SchemaRecord>(tx: Tx<S>): Pick<pg.ClientBase, 'query'> | undefined => clients.get(tx);

/** db.transaction, re-run from scratch when Postgres asks us to (40001, 40P01). */
export async function withTransaction<S extends SchemaRecord, T>(
  db: Db<S>,
  fn: (tx: Tx<S>) => Promise<T>,
  opts: TransactionOptions = {},
): Promise<T> {
  const retries = opts.retries ?? 3;
  const config = opts.isolationLevel ? { isolationLevel: opts.isolationLevel } : undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      return await onOwnConnection(db, (conn, client) =>
        conn.transaction((tx) => {
          clients.set(tx, client);
          return fn(tx);
        }, config),
      );
    } catch (err) {
      if (attempt >= retries || !isRetryableTxError(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
    }
  }
}

/**
 * Runs `work` on one pooled connection that is always given back, and discarded when it broke.
 * Why not drizzle's db.transaction (0.45): it checks the connection out itself and never gives
 * it back when `begin` fails, as it does on a connection the server has just terminated. Every
 * such failure then costs the pool a slot for good, and once all are gone every query waits for
 * connectionTimeoutMillis and fails: after a database outage the service would never recover.
 */
async function onOwnConnection<S extends SchemaRecord, T>(
  db: Db<S>,
  work: (conn: Db<S>, client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await db.$client.connect();
  let lost: Error | undefined;
  const onError = (err: Error) => {
    lost ??= err;
  };
  client.on('error', onError);
  try {
    return await work(drizzleOn(client, db), client);
  } catch (err) {
    if (isConnectionLost(err)) lost ??= err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    client.removeListener('error', onError);
    // With an error the pool closes the connection instead of handing it out again.
    (client as pg.PoolClient).release(lost);
  }
}

/** One drizzle instance per pooled connection, built on its first transaction and reused: building
 *  one maps the whole schema's relations, and every transaction paid that on the hot path. */
const onClient = new WeakMap<pg.PoolClient, { schema: unknown; conn: Db<SchemaRecord> }>();
function drizzleOn<S extends SchemaRecord>(client: pg.PoolClient, db: Db<S>): Db<S> {
  const cached = onClient.get(client);
  if (cached?.schema === db._.fullSchema) return cached.conn as unknown as Db<S>;
  const conn = drizzle({ client, schema: db._.fullSchema }) as unknown as Db<S>;
  onClient.set(client, { schema: db._.fullSchema, conn: conn as unknown as Db<SchemaRecord> });
  return conn;
}
