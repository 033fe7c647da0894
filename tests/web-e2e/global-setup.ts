import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import { WEB_E2E_DATABASE } from './test/support/platform';

const ROOT = resolve(__dirname, '../..');

/**
 * Debian's Chromium (installed with apt when missing: nothing here downloads a browser), a fresh
 * database for the run, and an empty screenshot folder (screenshots of a failed run stay there).
 */
export default async function setup(): Promise<void> {
  execFileSync('bash', [resolve(ROOT, 'scripts/ensure-chromium.sh')], { stdio: 'inherit' });
  rmSync(resolve(ROOT, 'tmp/web-e2e'), { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${WEB_E2E_DATABASE} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  execFileSync('bash', [resolve(ROOT, 'infra/scripts/db-bootstrap.sh'), WEB_E2E_DATABASE], { stdio: 'inherit' });
}
