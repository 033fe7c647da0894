/**
 * Makes an account an operator:
 *   npx tsx apps/payment-service/src/cli/create-admin.ts --email a@b.c --password '...' [--name 'Ops']
 * Creates the admin if the email is free, otherwise promotes the existing user (its password is
 * left as it is). Uses DATABASE_URL like the service and applies pending migrations first.
 */
import { parseArgs } from 'node:util';
import { createDb, createPool } from '@concert/db';
import { adminPasswordProblem, checkSecrets, createLogger } from '@concert/service-kit';
import { readConfig } from '../config';
import { migrate } from '../data-access/migrations';
import { schema } from '../data-access/schema';
import { createOrPromoteAdmin } from '../use-cases/users';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } },
  });
  if (!values.email || !/^[^@\s]+@[^@\s]+$/.test(values.email)) {
    throw new Error('usage: create-admin --email <email> [--password <at least 8 chars>] [--name <name>]');
  }
  const config = readConfig();
  // Production gets no admin with the demo password (or a short one), from the CLI either.
  checkSecrets(config.NODE_ENV, [adminPasswordProblem(values.password)], createLogger('create-admin', config.LOG_LEVEL));
  await migrate(config.DATABASE_URL, config.MIGRATIONS_DIR);
  const pool = createPool(config.DATABASE_URL, { max: 1, applicationName: 'create-admin' });
  try {
    const result = await createOrPromoteAdmin(createDb(pool, schema), {
      email: values.email,
      password: values.password,
      name: values.name ?? config.ADMIN_NAME,
    });
    console.log(JSON.stringify({ email: values.email.toLowerCase(), ...result }));
  } finally {
    await pool.end();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
