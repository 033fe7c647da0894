import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import pg from 'pg';

/**
 * A fresh concert_e2e for every run: the reconciliation checks the whole database, so rows left
 * by an earlier, interrupted run must not count against this one.
 */
export default async function setup(): Promise<void> {
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  try {
    await admin.query('DROP DATABASE IF EXISTS concert_e2e WITH (FORCE)');
  } finally {
    await admin.end();
  }
  execFileSync('bash', [resolve(__dirname, '../../infra/scripts/db-bootstrap.sh'), 'concert_e2e'], { stdio: 'inherit' });
}
