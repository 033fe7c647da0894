import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const libRoot = resolve(__dirname, '..');
const drizzleKit = resolve(libRoot, '../../node_modules/.bin/drizzle-kit');

describe('drizzle-kit sees the table factories through the @concert/db alias', () => {
  const out = mkdtempSync(join(tmpdir(), 'drizzle-kit-trial-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('generates outbox and inbox DDL from a service-shaped schema file', () => {
    execFileSync(drizzleKit, ['generate', '--config', 'test/drizzle-kit-trial/drizzle.config.ts'], {
      cwd: libRoot,
      env: { ...process.env, OUT_DIR: out },
      stdio: 'pipe',
    });
    const sqlFile = readdirSync(out).find((f) => f.endsWith('.sql'));
    const ddl = readFileSync(join(out, sqlFile!), 'utf8');
    expect(ddl).toContain('CREATE TABLE "drizzle_kit_trial"."outbox"');
    expect(ddl).toContain('CONSTRAINT "inbox_pkey" PRIMARY KEY("consumer","event_id")');
    expect(ddl).toContain(`WHERE status = 'PENDING'`);
  }, 60_000);
});
