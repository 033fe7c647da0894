import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ensureDatabase, eventually, uniqueName } from '../src';

describe('test helpers', () => {
  it('uniqueName is a valid Postgres identifier and Kafka topic part, and unique', () => {
    const names = new Set(Array.from({ length: 100 }, () => uniqueName('My-Prefix')));
    expect(names.size).toBe(100);
    for (const n of names) expect(n).toMatch(/^my_prefix_[a-z0-9_]+$/);
  });

  it('eventually retries until the assertion holds, and rethrows after the timeout', async () => {
    let calls = 0;
    expect(await eventually(() => (++calls < 3 ? Promise.reject(new Error('not yet')) : 'done'), { intervalMs: 1 })).toBe('done');
    await expect(eventually(() => Promise.reject(new Error('never')), { timeoutMs: 30, intervalMs: 5 })).rejects.toThrow('never');
  });

  it('ensureDatabase creates a missing database once, even when called concurrently', async () => {
    const name = uniqueName('ensure_db');
    const url = `postgres://postgres@127.0.0.1:5432/${name}`;
    await Promise.all([ensureDatabase(url), ensureDatabase(url), ensureDatabase(url)]);
    const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
      expect(rowCount).toBe(1);
    } finally {
      await admin.query(`drop database if exists "${name}"`);
      await admin.end();
    }
  });
});
