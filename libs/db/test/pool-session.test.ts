import { testDatabaseUrl } from '@concert/testing';
import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createPool, SESSION_TIMEOUT_DEFAULTS } from '../src';

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
