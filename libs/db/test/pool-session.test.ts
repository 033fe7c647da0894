import { testDatabaseUrl } from '@concert/testing';
import type { Socket } from 'node:net';
import type pg from 'pg';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb, createPool, SESSION_TIMEOUT_DEFAULTS, withTransaction } from '../src';

describe('pool sessions carry server-side timeouts', () => {
  let pool: pg.Pool | undefined;
  afterEach(async () => {
    await pool?.end();
    pool = undefined;
  });

  /** In milliseconds (pg_settings' unit for these three). */
  const setting = async (p: pg.Pool, name: string) =>
    Number((await p.query<{ v: string }>('SELECT setting AS v FROM pg_settings WHERE name = $1', [name])).rows[0]!.v);

  it('sets statement_timeout, lock_timeout and idle_in_transaction_session_timeout by default', async () => {
    pool = createPool(await testDatabaseUrl(), { max: 1 });
    const s = SESSION_TIMEOUT_DEFAULTS;
    expect(await setting(pool, 'statement_timeout')).toBe(s.statementTimeoutMs);
    expect(await setting(pool, 'lock_timeout')).toBe(s.lockTimeoutMs);
    expect(await setting(pool, 'idle_in_transaction_session_timeout')).toBe(s.idleInTransactionTimeoutMs);
  });

  it('a session left idle inside a transaction is ended by the server, and the pool goes on', async () => {
    pool = createPool(await testDatabaseUrl(), { max: 1, idleInTransactionTimeoutMs: 300, lockTimeoutMs: 200 });
    const client = await pool.connect();
    client.on('error', () => undefined); // the server's termination notice arrives as an 'error'
    await client.query('BEGIN');
    await new Promise((r) => setTimeout(r, 800));
    await expect(client.query('SELECT 1')).rejects.toThrow();
    client.release(true);
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
  });
});

describe('a connection lost under a transaction (the database went away)', () => {
  let pool: pg.Pool | undefined;
  afterEach(async () => {
    await pool?.end();
    pool = undefined;
  });

  /** Cuts the socket of the next connection the pool hands out, as a database stopping does. */
  const cutNextCheckout = (p: pg.Pool) =>
    p.once('acquire', (client) => (client as unknown as { connection: { stream: Socket } }).connection.stream.destroy());

  it('fails only that transaction: no crash, and the pool slot comes back (begin failed)', async () => {
    // One slot, a short wait for it: a slot lost for good shows as the next transaction timing out.
    pool = createPool(await testDatabaseUrl(), { max: 1 });
    (pool.options as { connectionTimeoutMillis?: number }).connectionTimeoutMillis = 2000;
    const db = createDb(pool, {});
    cutNextCheckout(pool);
    await expect(withTransaction(db, (tx) => tx.execute(sql`select 1`))).rejects.toThrow();
    const after = await withTransaction(db, (tx) => tx.execute(sql`select 1 as one`));
    expect(after.rows[0]).toEqual({ one: 1 });
  });

  it('fails only that transaction when the connection dies between two statements', async () => {
    const url = await testDatabaseUrl();
    pool = createPool(url, { max: 1 });
    (pool.options as { connectionTimeoutMillis?: number }).connectionTimeoutMillis = 2000;
    const db = createDb(pool, {});
    const failed = withTransaction(db, async (tx) => {
      const { rows } = await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`);
      // The server ends this session while the transaction waits on something else.
      const admin = createPool(url, { max: 1 });
      await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]).finally(() => admin.end());
      await new Promise((r) => setTimeout(r, 300));
      await tx.execute(sql`select 1`);
    });
    await expect(failed).rejects.toThrow();
    const after = await withTransaction(db, (tx) => tx.execute(sql`select 1 as one`));
    expect(after.rows[0]).toEqual({ one: 1 });
  });
});
